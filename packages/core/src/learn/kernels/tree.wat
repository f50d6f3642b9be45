;; The two kernels of histogram gradient boosting that touch every row (see ../histogram-threads.ts for the record
;; layout and ../tree-kernels.ts, which lays out the memory and calls them): a histogram pass and a partition.
;; They compute what the JavaScript kernels compute, in the same order, so trees are the same either way.
;; All addresses are byte offsets into the imported memory.
(module
  (memory (import "env" "memory") 1)

  ;; Adds the records from..to at `src` (recordWords words each: bins, row number, float32 gradient and hessian)
  ;; into the float64 histogram at `hist` (per feature j from word offsets[j]: gradient, hessian, count a bin).
  ;; Two rows go through the features together, so their updates overlap; a bin still receives its rows in order.
  (func (export "accumulate") (param $hist i32) (param $src i32) (param $from i32) (param $to i32)
      (param $recordWords i32) (param $binWords i32) (param $cols i32) (param $offsets i32)
    (local $rb i32) (local $rec i32) (local $stop i32) (local $j i32) (local $b i32) (local $o i32)
    (local $g0 f64) (local $h0 f64) (local $g1 f64) (local $h1 f64)
    (local.set $rb (i32.shl (local.get $recordWords) (i32.const 2)))
    (local.set $rec (i32.add (local.get $src) (i32.mul (local.get $from) (local.get $rb))))
    (local.set $stop (i32.add (local.get $src) (i32.mul (local.get $to) (local.get $rb))))
    ;; Pairs of rows.
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone
          (i32.gt_u (i32.add (local.get $rec) (i32.shl (local.get $rb) (i32.const 1))) (local.get $stop)))
        (local.set $o (i32.add (local.get $rec) (i32.shl (i32.add (local.get $binWords) (i32.const 1)) (i32.const 2))))
        (local.set $g0 (f64.promote_f32 (f32.load (local.get $o))))
        (local.set $h0 (f64.promote_f32 (f32.load offset=4 (local.get $o))))
        (local.set $o (i32.add (local.get $o) (local.get $rb)))
        (local.set $g1 (f64.promote_f32 (f32.load (local.get $o))))
        (local.set $h1 (f64.promote_f32 (f32.load offset=4 (local.get $o))))
        (local.set $j (i32.const 0))
        (block $featuresDone
          (loop $features
            (br_if $featuresDone (i32.ge_u (local.get $j) (local.get $cols)))
            (local.set $o (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $b
              (i32.add (local.get $hist)
                (i32.shl
                  (i32.add (local.get $o) (i32.mul (i32.load8_u (i32.add (local.get $rec) (local.get $j))) (i32.const 3)))
                  (i32.const 3))))
            (f64.store (local.get $b) (f64.add (f64.load (local.get $b)) (local.get $g0)))
            (f64.store offset=8 (local.get $b) (f64.add (f64.load offset=8 (local.get $b)) (local.get $h0)))
            (f64.store offset=16 (local.get $b) (f64.add (f64.load offset=16 (local.get $b)) (f64.const 1)))
            (local.set $b
              (i32.add (local.get $hist)
                (i32.shl
                  (i32.add (local.get $o)
                    (i32.mul (i32.load8_u (i32.add (i32.add (local.get $rec) (local.get $rb)) (local.get $j))) (i32.const 3)))
                  (i32.const 3))))
            (f64.store (local.get $b) (f64.add (f64.load (local.get $b)) (local.get $g1)))
            (f64.store offset=8 (local.get $b) (f64.add (f64.load offset=8 (local.get $b)) (local.get $h1)))
            (f64.store offset=16 (local.get $b) (f64.add (f64.load offset=16 (local.get $b)) (f64.const 1)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $features)))
        (local.set $rec (i32.add (local.get $rec) (i32.shl (local.get $rb) (i32.const 1))))
        (br $pairs)))
    ;; The last row, if the count is odd.
    (if (i32.lt_u (local.get $rec) (local.get $stop))
      (then
        (local.set $o (i32.add (local.get $rec) (i32.shl (i32.add (local.get $binWords) (i32.const 1)) (i32.const 2))))
        (local.set $g0 (f64.promote_f32 (f32.load (local.get $o))))
        (local.set $h0 (f64.promote_f32 (f32.load offset=4 (local.get $o))))
        (local.set $j (i32.const 0))
        (block $done
          (loop $features
            (br_if $done (i32.ge_u (local.get $j) (local.get $cols)))
            (local.set $b
              (i32.add (local.get $hist)
                (i32.shl
                  (i32.add (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $j) (i32.const 2))))
                    (i32.mul (i32.load8_u (i32.add (local.get $rec) (local.get $j))) (i32.const 3)))
                  (i32.const 3))))
            (f64.store (local.get $b) (f64.add (f64.load (local.get $b)) (local.get $g0)))
            (f64.store offset=8 (local.get $b) (f64.add (f64.load offset=8 (local.get $b)) (local.get $h0)))
            (f64.store offset=16 (local.get $b) (f64.add (f64.load offset=16 (local.get $b)) (f64.const 1)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $features))))))

  ;; Copies the records from..to at `src` to `dst`, in order: rows whose bin of `feature` is <= `bin` to positions
  ;; from `leftAt`, the others from `rightAt`. Branch-free: which side a row goes to is a coin toss.
  (func (export "partition") (param $src i32) (param $dst i32) (param $from i32) (param $to i32)
      (param $recordWords i32) (param $feature i32) (param $bin i32) (param $leftAt i32) (param $rightAt i32)
    (local $rb i32) (local $rec i32) (local $stop i32) (local $right i32) (local $l i32) (local $r i32)
    (local $out i32) (local $k i32) (local $wide i32)
    (local.set $rb (i32.shl (local.get $recordWords) (i32.const 2)))
    ;; Bytes moved 16 at a time; the rest (a record is a whole number of 4-byte words) 4 at a time.
    (local.set $wide (i32.and (local.get $rb) (i32.const -16)))
    (local.set $rec (i32.add (local.get $src) (i32.mul (local.get $from) (local.get $rb))))
    (local.set $stop (i32.add (local.get $src) (i32.mul (local.get $to) (local.get $rb))))
    (local.set $l (local.get $leftAt))
    (local.set $r (local.get $rightAt))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $rec) (local.get $stop)))
        (local.set $right
          (i32.shr_u (i32.sub (local.get $bin) (i32.load8_u (i32.add (local.get $rec) (local.get $feature))))
            (i32.const 31)))
        (local.set $out
          (i32.add (local.get $dst)
            (i32.mul
              (i32.add (local.get $l)
                (i32.and (i32.sub (local.get $r) (local.get $l)) (i32.sub (i32.const 0) (local.get $right))))
              (local.get $rb))))
        (local.set $l (i32.add (local.get $l) (i32.sub (i32.const 1) (local.get $right))))
        (local.set $r (i32.add (local.get $r) (local.get $right)))
        (local.set $k (i32.const 0))
        (block $wideDone
          (loop $wideCopy
            (br_if $wideDone (i32.ge_u (local.get $k) (local.get $wide)))
            (v128.store (i32.add (local.get $out) (local.get $k)) (v128.load (i32.add (local.get $rec) (local.get $k))))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br $wideCopy)))
        (block $narrowDone
          (loop $narrowCopy
            (br_if $narrowDone (i32.ge_u (local.get $k) (local.get $rb)))
            (i32.store (i32.add (local.get $out) (local.get $k)) (i32.load (i32.add (local.get $rec) (local.get $k))))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $narrowCopy)))
        (local.set $rec (i32.add (local.get $rec) (local.get $rb)))
        (br $rows))))

  ;; How many of the records from..to at `src` go left (their bin of `feature` is <= `bin`).
  (func (export "countLeft") (param $src i32) (param $from i32) (param $to i32) (param $recordWords i32)
      (param $feature i32) (param $bin i32) (result i32)
    (local $rb i32) (local $at i32) (local $stop i32) (local $left i32)
    (local.set $rb (i32.shl (local.get $recordWords) (i32.const 2)))
    (local.set $at (i32.add (i32.add (local.get $src) (i32.mul (local.get $from) (local.get $rb))) (local.get $feature)))
    (local.set $stop (i32.add (i32.add (local.get $src) (i32.mul (local.get $to) (local.get $rb))) (local.get $feature)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $at) (local.get $stop)))
        (local.set $left
          (i32.add (local.get $left) (i32.le_u (i32.load8_u (local.get $at)) (local.get $bin))))
        (local.set $at (i32.add (local.get $at) (local.get $rb)))
        (br $rows)))
    (local.get $left))
)
