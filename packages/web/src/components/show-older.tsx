/** Under a list that has more: asks for its next page. */
export function ShowOlder({ more, what, onClick }: { more: boolean; what: string; onClick: () => void }) {
  if (!more) return null;
  return (
    <button type="button" className="show-older" onClick={onClick}>
      Show older {what}
    </button>
  );
}
