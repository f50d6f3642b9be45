import { MultiBar } from 'cli-progress';
import type { ReplayProgress } from '../backtest/replay.js';

/** One progress bar per replay on a terminal: steps done, the running metric, the production version. */
export class ReplayBars {
  private readonly bars: MultiBar;
  private readonly created = new Map<string, ReturnType<MultiBar['create']>>();

  constructor(stream: NodeJS.WriteStream, unit = 'steps') {
    this.bars = new MultiBar({
      format: `{name} [{bar}] {value}/{total} ${unit} | {metric} | v{version} | {eta_formatted} left`,
      stream,
      hideCursor: true,
    });
  }

  update(name: string, p: ReplayProgress): void {
    let bar = this.created.get(name);
    if (!bar) {
      bar = this.bars.create(p.totalTicks, 0, { name: name.padEnd(18), metric: '—', version: 1 });
      this.created.set(name, bar);
    }
    bar.update(p.ticks, {
      metric: p.running === null ? '—' : p.running.toFixed(3),
      version: p.productionVersion,
    });
  }

  /** A line above the bars. */
  log(line: string): void {
    this.bars.log(`${line}\n`);
  }

  stop(): void {
    this.bars.stop();
  }
}
