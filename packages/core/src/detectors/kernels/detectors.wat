;; updateMany's inner loops of DDM, PageHinkley, EDDM and HDDM_A (see ../kernel.ts, which drives them).
;; Each reaches the state update() reaches, bit for bit: where it decides something another way (to save a square
;; root or a division), it does so only where that way is certain, with margins far beyond rounding, and takes
;; update()'s own operations everywhere else. ../detector-state.test.ts holds them to update() value by value.
;; Build: `npm run kernels` (scripts/build-kernels.ts) writes detectors-wasm.ts. Keep the module within 4 KB (a test
;; checks): Chrome compiles larger ones synchronously only off a page's main thread.
;;
;; Memory, f64 slots (byte offset = 8 x slot):
;;   0 event: 0, or 1 (drift) + 2 (warning onset) at the value the kernel stopped after
;;   1 invalid: not 0 when a value of a binary stream is neither 0 nor 1 (or NaN)
;;   2..15 the detector's state, 16..23 its parameters (each function lists its own), 24 the constant 1
;;   100..103 scratch of eddm, 118, 119 of hddmA
;;   values from byte 1024 (slot 128); eddm's list of error positions (i32) from byte 66560
;; Each function runs over values [start, end) and returns the index after the last value it took: end, or the
;; value after an event.
(module
  (memory (export "memory") 2)

  ;; state: 2 n, 3 errors, 4 pMin, 5 sMin, 6 psMin, 7 warning
  ;; parameters: 16 warmStart, 17 warningThreshold, 18 driftThreshold
  ;;
  ;; Most values need neither the division nor the square root of update(): when p + s is clearly not a new
  ;; minimum, it is either clearly below the warning level (nothing happens) or clearly between the warning and
  ;; drift levels (a warning). Both are decided on the squares scaled by n^2 (s^2 = e(n - e) / n^3), with a
  ;; relative margin of 1e-9, far above rounding; the rest take update()'s operations. t |t| keeps the sign of t,
  ;; so a level already below p passes without a branch on that sign.
  (func (export "ddm") (param $start i32) (param $end i32) (result i32)
    (local $p i32) (local $stop i32) (local $warning i32) (local $bits i64)
    (local $x f64) (local $n f64) (local $errors f64) (local $pMin f64) (local $sMin f64) (local $psMin f64)
    (local $warmStart f64) (local $warningThreshold f64) (local $driftThreshold f64) (local $one f64)
    (local $driftLevel f64) (local $warningLevel f64) (local $alarmLevel f64)
    (local $quiet i32) (local $v f64) (local $k f64) (local $k2 f64) (local $above f64) (local $below f64)
    (local $inverse f64) (local $rate f64) (local $s f64) (local $ps f64)
    (local.set $n (f64.load offset=16 (i32.const 0)))
    (local.set $errors (f64.load offset=24 (i32.const 0)))
    (local.set $pMin (f64.load offset=32 (i32.const 0)))
    (local.set $sMin (f64.load offset=40 (i32.const 0)))
    (local.set $psMin (f64.load offset=48 (i32.const 0)))
    (local.set $warning (f64.ne (f64.load offset=56 (i32.const 0)) (f64.const 0)))
    (local.set $warmStart (f64.load offset=128 (i32.const 0)))
    (local.set $warningThreshold (f64.load offset=136 (i32.const 0)))
    (local.set $driftThreshold (f64.load offset=144 (i32.const 0)))
    ;; 1, from memory (see the slots above): as a literal, V8 rebuilds it in a register at each use in the loop.
    (local.set $one (f64.load offset=192 (i32.const 0)))
    ;; The levels change only with the minimum: kept, instead of two multiply-adds per value.
    (local.set $driftLevel (f64.add (local.get $pMin) (f64.mul (local.get $driftThreshold) (local.get $sMin))))
    (local.set $warningLevel (f64.add (local.get $pMin) (f64.mul (local.get $warningThreshold) (local.get $sMin))))
    (local.set $alarmLevel (f64.min (local.get $driftLevel) (local.get $warningLevel)))
    (local.set $p (i32.add (i32.const 1024) (i32.shl (local.get $start) (i32.const 3))))
    (local.set $stop (i32.add (i32.const 1024) (i32.shl (local.get $end) (i32.const 3))))
    (block $done
      (loop $next
        (block $decide
          (loop $screen
            (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
            (local.set $x (f64.load (local.get $p)))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            ;; x(1 - x) is +0 for 0 and 1 (and -0 for -0), anything else for other values: its bits, or-ed.
            (local.set $bits
              (i64.or (local.get $bits)
                (i64.reinterpret_f64 (f64.mul (local.get $x) (f64.sub (local.get $one) (local.get $x))))))
            (local.set $n (f64.add (local.get $n) (local.get $one)))
            (local.set $errors (f64.add (local.get $errors) (local.get $x)))
            (br_if $screen (f64.le (local.get $n) (local.get $warmStart)))
            (local.set $v (f64.mul (local.get $errors) (f64.sub (local.get $n) (local.get $errors))))
            (local.set $above (f64.mul (local.get $n) (f64.const 1.000000001)))
            (local.set $below (f64.mul (local.get $n) (f64.const 0.999999999)))
            ;; Not clearly above the minimum: decided exactly.
            (local.set $k (f64.sub (f64.mul (local.get $n) (local.get $psMin)) (local.get $errors)))
            (br_if $decide
              (i32.eqz (f64.gt (local.get $v) (f64.mul (f64.mul (local.get $k) (f64.abs (local.get $k))) (local.get $above)))))
            ;; Clearly below both levels (no warning), or clearly above the warning level and below the drift level
            ;; (a warning); the current state is tested first, since the stream mostly stays where it is.
            (local.set $k (f64.sub (f64.mul (local.get $n) (local.get $alarmLevel)) (local.get $errors)))
            (local.set $quiet
              (i32.and (f64.gt (local.get $k) (f64.const 0))
                (f64.lt (local.get $v) (f64.mul (f64.mul (local.get $k) (local.get $k)) (local.get $below)))))
            (if (i32.eqz (local.get $warning))
              (then (br_if $screen (local.get $quiet))))
            (local.set $k (f64.sub (f64.mul (local.get $n) (local.get $warningLevel)) (local.get $errors)))
            (local.set $k2 (f64.sub (f64.mul (local.get $n) (local.get $driftLevel)) (local.get $errors)))
            (if (i32.and
                  (f64.gt (local.get $v) (f64.mul (f64.mul (local.get $k) (f64.abs (local.get $k))) (local.get $above)))
                  (i32.and (f64.gt (local.get $k2) (f64.const 0))
                    (f64.lt (local.get $v) (f64.mul (f64.mul (local.get $k2) (local.get $k2)) (local.get $below)))))
              (then
                (br_if $screen (local.get $warning))
                (local.set $warning (i32.const 1))
                (f64.store (i32.const 0) (f64.const 2))
                (br $done)))
            (br_if $decide (i32.eqz (local.get $quiet)))
            (local.set $warning (i32.const 0))
            (br $screen)))
        ;; update()'s own operations.
        (local.set $inverse (f64.div (local.get $one) (local.get $n)))
        (local.set $rate (f64.mul (local.get $errors) (local.get $inverse)))
        (local.set $s
          (f64.sqrt (f64.mul (f64.mul (local.get $rate) (f64.sub (local.get $one) (local.get $rate))) (local.get $inverse))))
        (local.set $ps (f64.add (local.get $rate) (local.get $s)))
        (if (f64.le (local.get $ps) (local.get $psMin))
          (then
            (local.set $pMin (local.get $rate))
            (local.set $sMin (local.get $s))
            (local.set $psMin (local.get $ps))
            (local.set $driftLevel (f64.add (local.get $pMin) (f64.mul (local.get $driftThreshold) (local.get $sMin))))
            (local.set $warningLevel
              (f64.add (local.get $pMin) (f64.mul (local.get $warningThreshold) (local.get $sMin))))
            (local.set $alarmLevel (f64.min (local.get $driftLevel) (local.get $warningLevel)))))
        (if (f64.gt (local.get $ps) (local.get $driftLevel))
          (then
            (local.set $warning (i32.const 0))
            (f64.store (i32.const 0) (f64.const 1))
            (br $done)))
        (if (f64.gt (local.get $ps) (local.get $warningLevel))
          (then
            (if (i32.eqz (local.get $warning))
              (then
                (local.set $warning (i32.const 1))
                (f64.store (i32.const 0) (f64.const 2))
                (br $done))))
          (else (local.set $warning (i32.const 0))))
        (br $next)))
    (f64.store offset=8 (i32.const 0)
      (f64.add (f64.load offset=8 (i32.const 0))
        (f64.convert_i32_u (i64.ne (i64.and (local.get $bits) (i64.const 0x7fffffffffffffff)) (i64.const 0)))))
    (f64.store offset=16 (i32.const 0) (local.get $n))
    (f64.store offset=24 (i32.const 0) (local.get $errors))
    (f64.store offset=32 (i32.const 0) (local.get $pMin))
    (f64.store offset=40 (i32.const 0) (local.get $sMin))
    (f64.store offset=48 (i32.const 0) (local.get $psMin))
    (f64.store offset=56 (i32.const 0) (f64.convert_i32_u (local.get $warning)))
    (i32.shr_u (i32.sub (local.get $p) (i32.const 1024)) (i32.const 3)))

  ;; state: 2 n, 3 sum, 4 sumIncrease, 5 sumDecrease, 6 minIncrease, 7 maxDecrease
  ;; parameters: 16 alpha, 17 delta, 18 upLimit, 19 downLimit, 20 minInstances
  (func (export "pageHinkley") (param $start i32) (param $end i32) (result i32)
    (local $p i32) (local $stop i32)
    (local $x f64) (local $n f64) (local $sum f64) (local $dev f64)
    (local $sI f64) (local $sD f64) (local $minI f64) (local $maxD f64)
    (local $one f64) (local $alpha f64) (local $delta f64) (local $up f64) (local $down f64) (local $minInstances f64)
    (local.set $n (f64.load offset=16 (i32.const 0)))
    (local.set $sum (f64.load offset=24 (i32.const 0)))
    (local.set $sI (f64.load offset=32 (i32.const 0)))
    (local.set $sD (f64.load offset=40 (i32.const 0)))
    (local.set $minI (f64.load offset=48 (i32.const 0)))
    (local.set $maxD (f64.load offset=56 (i32.const 0)))
    ;; 1, from memory (see the slots above): as a literal, V8 rebuilds it in a register at each use in the loop.
    (local.set $one (f64.load offset=192 (i32.const 0)))
    (local.set $alpha (f64.load offset=128 (i32.const 0)))
    (local.set $delta (f64.load offset=136 (i32.const 0)))
    (local.set $up (f64.load offset=144 (i32.const 0)))
    (local.set $down (f64.load offset=152 (i32.const 0)))
    (local.set $minInstances (f64.load offset=160 (i32.const 0)))
    (local.set $p (i32.add (i32.const 1024) (i32.shl (local.get $start) (i32.const 3))))
    (local.set $stop (i32.add (i32.const 1024) (i32.shl (local.get $end) (i32.const 3))))
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
      (loop $next
        (local.set $x (f64.load (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $n (f64.add (local.get $n) (local.get $one)))
        (local.set $sum (f64.add (local.get $sum) (local.get $x)))
        (local.set $dev (f64.sub (local.get $x) (f64.div (local.get $sum) (local.get $n))))
        (local.set $sI (f64.sub (f64.add (f64.mul (local.get $alpha) (local.get $sI)) (local.get $dev)) (local.get $delta)))
        (local.set $sD (f64.add (f64.add (f64.mul (local.get $alpha) (local.get $sD)) (local.get $dev)) (local.get $delta)))
        ;; if (sI < minI) minI = sI, and the same for maxD: new extremes come unpredictably, and V8 branches on a
        ;; select of floats; SIMD's pmin and pmax (lane 0) are exactly these, without a branch.
        (local.set $minI
          (f64x2.extract_lane 0 (f64x2.pmin (f64x2.splat (local.get $minI)) (f64x2.splat (local.get $sI)))))
        (local.set $maxD
          (f64x2.extract_lane 0 (f64x2.pmax (f64x2.splat (local.get $maxD)) (f64x2.splat (local.get $sD)))))
        (if (i32.and
              (i32.or
                (f64.gt (f64.sub (local.get $sI) (local.get $minI)) (local.get $up))
                (f64.gt (f64.sub (local.get $maxD) (local.get $sD)) (local.get $down)))
              (f64.ge (local.get $n) (local.get $minInstances)))
          (then
            (f64.store (i32.const 0) (f64.const 1))
            (br $done)))
        (br_if $next (i32.lt_u (local.get $p) (local.get $stop)))))
    (f64.store offset=16 (i32.const 0) (local.get $n))
    (f64.store offset=24 (i32.const 0) (local.get $sum))
    (f64.store offset=32 (i32.const 0) (local.get $sI))
    (f64.store offset=40 (i32.const 0) (local.get $sD))
    (f64.store offset=48 (i32.const 0) (local.get $minI))
    (f64.store offset=56 (i32.const 0) (local.get $maxD))
    (i32.shr_u (i32.sub (local.get $p) (i32.const 1024)) (i32.const 3)))

  ;; state: 2 n, 3 lastError, 4 errors, 5 distanceCount, 6 distanceMean, 7 distanceM2, 8 p2sMax, 9 warning
  ;; parameters: 16 warmStart, 17 alpha, 18 beta
  ;;
  ;; Two passes. The first lists the positions of the errors (the 1s) without a branch on the value: errors
  ;; come unpredictably, and a branch per value would be mispredicted at a good share of them. It also counts
  ;; the values that are neither 0 nor 1 into the invalid slot. The second runs over the errors alone (a correct
  ;; prediction only advances n, which the positions give): Welford's update as update() makes it, then where
  ;; p' + 2s' = mean + u, u = 2 sqrt(m2 / (count - 1)), stands against p2sMax and alpha and beta times it. update()
  ;; takes a square root and two divisions for that; here u^2 = 4 m2 / (count - 1) is set against those levels
  ;; less the mean, squared and multiplied out, with a margin of 1e-9 p2sMax either side of each level, far beyond
  ;; the roundings of either way. "Clearly between beta and alpha" (warning) and "clearly between alpha and
  ;; p2sMax" (no warning) are settled so; anything else (a new maximum, a possible drift, a value near a level,
  ;; the warm-up) takes update()'s operations.
  (func (export "eddm") (param $start i32) (param $end i32) (result i32)
    (local $i i32) (local $errorsSeen i32) (local $zeros i32) (local $j i32) (local $at i32)
    (local $x f64) (local $n0 f64) (local $n f64) (local $lastError f64) (local $errors f64)
    (local $count f64) (local $mean f64) (local $m2 f64) (local $p2sMax f64) (local $warning f64)
    (local $distance f64) (local $oldMean f64) (local $p2s f64) (local $level f64)
    (local $warmStart f64) (local $alpha f64) (local $beta f64)
    (local $q f64) (local $cm1 f64) (local $k f64)
    (local $belowAlpha f64) (local $aboveAlpha f64) (local $aboveBeta f64) (local $belowMax f64)
    (local.set $n0 (f64.load offset=16 (i32.const 0)))
    (local.set $lastError (f64.load offset=24 (i32.const 0)))
    (local.set $errors (f64.load offset=32 (i32.const 0)))
    (local.set $count (f64.load offset=40 (i32.const 0)))
    (local.set $mean (f64.load offset=48 (i32.const 0)))
    (local.set $m2 (f64.load offset=56 (i32.const 0)))
    (local.set $p2sMax (f64.load offset=64 (i32.const 0)))
    (local.set $warning (f64.load offset=72 (i32.const 0)))
    (local.set $warmStart (f64.load offset=128 (i32.const 0)))
    (local.set $alpha (f64.load offset=136 (i32.const 0)))
    (local.set $beta (f64.load offset=144 (i32.const 0)))
    (call $eddmLevels (local.get $p2sMax) (local.get $alpha) (local.get $beta))
    (local.set $belowAlpha (f64.load offset=800 (i32.const 0)))
    (local.set $aboveAlpha (f64.load offset=808 (i32.const 0)))
    (local.set $aboveBeta (f64.load offset=816 (i32.const 0)))
    (local.set $belowMax (f64.load offset=824 (i32.const 0)))
    ;; Pass 1: positions of the errors, as i32 from byte 66560 (after the values).
    (local.set $i (local.get $start))
    (block $listed
      (loop $list
        (br_if $listed (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $x (f64.load offset=1024 (i32.shl (local.get $i) (i32.const 3))))
        (i32.store offset=66560 (i32.shl (local.get $errorsSeen) (i32.const 2)) (local.get $i))
        (local.set $errorsSeen (i32.add (local.get $errorsSeen) (f64.eq (local.get $x) (f64.const 1))))
        (local.set $zeros (i32.add (local.get $zeros) (f64.eq (local.get $x) (f64.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $list)))
    (f64.store offset=8 (i32.const 0)
      (f64.add (f64.load offset=8 (i32.const 0))
        (f64.convert_i32_u
          (i32.sub (i32.sub (local.get $end) (local.get $start)) (i32.add (local.get $errorsSeen) (local.get $zeros))))))
    ;; Pass 2: the errors. n at position i is n0 + (i - start + 1).
    (local.set $at (local.get $end))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $errorsSeen)))
        (local.set $i (i32.load offset=66560 (i32.shl (local.get $j) (i32.const 2))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (local.set $n
          (f64.add (local.get $n0) (f64.convert_i32_u (i32.add (i32.sub (local.get $i) (local.get $start)) (i32.const 1)))))
        (local.set $errors (f64.add (local.get $errors) (f64.const 1)))
        ;; Welford's update of the distance between errors (River's stats.Var, ddof = 1).
        (local.set $distance (f64.sub (local.get $n) (local.get $lastError)))
        (local.set $oldMean (local.get $mean))
        (local.set $count (f64.add (local.get $count) (f64.const 1)))
        (local.set $mean
          (f64.add (local.get $mean)
            (f64.mul (f64.div (f64.const 1) (local.get $count)) (f64.sub (local.get $distance) (local.get $oldMean)))))
        (local.set $m2
          (f64.add (local.get $m2)
            (f64.mul (f64.sub (local.get $distance) (local.get $oldMean)) (f64.sub (local.get $distance) (local.get $mean)))))
        (local.set $lastError (local.get $n))
        (br_if $next (f64.le (local.get $n) (local.get $warmStart)))
        ;; Placed without a division or square root where it is clear (see above); else update()'s operations.
        (block $exact
          (br_if $exact
            (i32.or (f64.le (local.get $errors) (local.get $warmStart)) (f64.le (local.get $count) (f64.const 1))))
          (local.set $q (f64.mul (f64.const 4) (local.get $m2)))
          (local.set $cm1 (f64.sub (local.get $count) (f64.const 1)))
          (local.set $k (f64.sub (local.get $belowAlpha) (local.get $mean)))
          (if (i32.and (f64.gt (local.get $k) (f64.const 0))
                (f64.le (local.get $q) (f64.mul (f64.mul (local.get $k) (local.get $k)) (local.get $cm1))))
            (then
              ;; Below alpha: a warning, unless it may be below beta.
              (local.set $k (f64.sub (local.get $aboveBeta) (local.get $mean)))
              (br_if $exact
                (i32.and (f64.gt (local.get $k) (f64.const 0))
                  (f64.lt (local.get $q) (f64.mul (f64.mul (local.get $k) (local.get $k)) (local.get $cm1)))))
              (br_if $next (f64.ne (local.get $warning) (f64.const 0)))
              (local.set $warning (f64.const 1))
              (f64.store (i32.const 0) (f64.const 2))
              (local.set $at (i32.add (local.get $i) (i32.const 1)))
              (br $done)))
          ;; Above alpha: no warning, unless it may be a new maximum.
          (local.set $k (f64.sub (local.get $aboveAlpha) (local.get $mean)))
          (br_if $exact
            (i32.and (f64.gt (local.get $k) (f64.const 0))
              (f64.lt (local.get $q) (f64.mul (f64.mul (local.get $k) (local.get $k)) (local.get $cm1)))))
          (local.set $k (f64.sub (local.get $belowMax) (local.get $mean)))
          (br_if $exact
            (i32.or (f64.le (local.get $k) (f64.const 0))
              (f64.gt (local.get $q) (f64.mul (f64.mul (local.get $k) (local.get $k)) (local.get $cm1)))))
          (local.set $warning (f64.const 0))
          (br $next))
        (local.set $p2s
          (f64.add (local.get $mean)
            (f64.mul (f64.const 2)
              (f64.sqrt
                (if (result f64) (f64.gt (local.get $count) (f64.const 1))
                  (then (f64.div (local.get $m2) (f64.sub (local.get $count) (f64.const 1))))
                  (else (f64.const 0)))))))
        (if (f64.gt (local.get $p2s) (local.get $p2sMax))
          (then
            (local.set $p2sMax (local.get $p2s))
            (call $eddmLevels (local.get $p2sMax) (local.get $alpha) (local.get $beta))
            (local.set $belowAlpha (f64.load offset=800 (i32.const 0)))
            (local.set $aboveAlpha (f64.load offset=808 (i32.const 0)))
            (local.set $aboveBeta (f64.load offset=816 (i32.const 0)))
            (local.set $belowMax (f64.load offset=824 (i32.const 0)))
            (br $next)))
        (br_if $next (f64.le (local.get $errors) (local.get $warmStart)))
        (local.set $level (f64.div (local.get $p2s) (local.get $p2sMax)))
        (if (f64.lt (local.get $level) (local.get $beta))
          (then
            (f64.store (i32.const 0) (f64.const 1))
            (local.set $at (i32.add (local.get $i) (i32.const 1)))
            (br $done)))
        (if (f64.lt (local.get $level) (local.get $alpha))
          (then
            (if (f64.eq (local.get $warning) (f64.const 0))
              (then
                (local.set $warning (f64.const 1))
                (f64.store (i32.const 0) (f64.const 2))
                (local.set $at (i32.add (local.get $i) (i32.const 1)))
                (br $done))))
          (else (local.set $warning (f64.const 0))))
        (br $next)))
    (f64.store offset=16 (i32.const 0)
      (f64.add (local.get $n0) (f64.convert_i32_u (i32.sub (local.get $at) (local.get $start)))))
    (f64.store offset=24 (i32.const 0) (local.get $lastError))
    (f64.store offset=32 (i32.const 0) (local.get $errors))
    (f64.store offset=40 (i32.const 0) (local.get $count))
    (f64.store offset=48 (i32.const 0) (local.get $mean))
    (f64.store offset=56 (i32.const 0) (local.get $m2))
    (f64.store offset=64 (i32.const 0) (local.get $p2sMax))
    (f64.store offset=72 (i32.const 0) (local.get $warning))
    (local.get $at))

  ;; The levels eddm places u against, at slots 100..103: below alpha, above alpha, above beta, below p2sMax, each
  ;; 1e-9 p2sMax off. "Below alpha" uses min(alpha, 1), so that it is below p2sMax too. Until there is a p2sMax
  ;; (it is -1 at the start) the levels send every error to the exact path.
  (func $eddmLevels (param $max f64) (param $alpha f64) (param $beta f64)
    (local $margin f64)
    (local.set $margin (f64.mul (f64.const 1e-9) (local.get $max)))
    (if (f64.le (local.get $max) (f64.const 0))
      (then
        (f64.store offset=800 (i32.const 0) (f64.const -inf))
        (f64.store offset=808 (i32.const 0) (f64.const inf))
        (f64.store offset=816 (i32.const 0) (f64.const inf))
        (f64.store offset=824 (i32.const 0) (f64.const -inf))
        (return)))
    (f64.store offset=800 (i32.const 0)
      (f64.sub (f64.mul (f64.min (local.get $alpha) (f64.const 1)) (local.get $max)) (local.get $margin)))
    (f64.store offset=808 (i32.const 0) (f64.add (f64.mul (local.get $alpha) (local.get $max)) (local.get $margin)))
    (f64.store offset=816 (i32.const 0) (f64.add (f64.mul (local.get $beta) (local.get $max)) (local.get $margin)))
    (f64.store offset=824 (i32.const 0) (f64.sub (local.get $max) (local.get $margin))))

  ;; Whether gap >= sqrt(((((n - cutN) / cutN) * (1 / n)) / 2) * logTerm), exactly as update() computes it. `approx`
  ;; is the right-hand side squared, computed another way (multiplications only, a few roundings off): values
  ;; are decided by it with a relative margin of 1e-12, far beyond those roundings, and only values within that
  ;; margin come here.
  (func $hoeffdingExceeded (param $gap f64) (param $n f64) (param $cutN f64) (param $inv f64) (param $logTerm f64)
      (result i32)
    (f64.ge (local.get $gap)
      (f64.sqrt
        (f64.mul
          (f64.div
            (f64.mul (f64.div (f64.sub (local.get $n) (local.get $cutN)) (local.get $cutN)) (local.get $inv))
            (f64.const 2))
          (local.get $logTerm)))))

  ;; Whether a Hoeffding test passes (see $hoeffdingExceeded): gap >= 0 and gap^2 clearly above or below approx
  ;; decide it without a square root or a division.
  (func $exceeds (param $gap f64) (param $approx f64) (param $n f64) (param $cutN f64) (param $inv f64)
      (param $logTerm f64) (result i32)
    (local $gap2 f64)
    (if (f64.lt (local.get $gap) (f64.const 0)) (then (return (i32.const 0))))
    (local.set $gap2 (f64.mul (local.get $gap) (local.get $gap)))
    (if (f64.ge (local.get $gap2) (f64.mul (local.get $approx) (f64.const 1.000000000001)))
      (then (return (i32.const 1))))
    (if (f64.le (local.get $gap2) (f64.mul (local.get $approx) (f64.const 0.999999999999)))
      (then (return (i32.const 0))))
    (call $hoeffdingExceeded (local.get $gap) (local.get $n) (local.get $cutN) (local.get $inv) (local.get $logTerm)))

  ;; state: 2 n, 3 mean, 4 minN, 5 minMean, 6 maxN, 7 maxMean, 8 minEps, 9 maxEps, 10 warning
  ;; parameters: 16 logInvDrift, 17 logTwoOverDrift, 18 logTwoOverWarning, 19 twoSidedTest (0/1), 20 cut margin
  ;;
  ;; update() takes three square roots and four divisions per value. Here most values take one division and a
  ;; few subtractions: a screen shows that nothing can happen at this value (no cut point moves, no rise or fall
  ;; test can pass: the warning clears), and only values it cannot clear go through the full decision.
  ;; - Cut points: minMean + minEps >= mean + epsZ, with epsZ = sqrt(t), t = logInvDrift / (2n), is decided from
  ;;   d = minMean + minEps - mean: d < 0 or d^2 <= t - margin means no, else it is computed. The margin is
  ;;   absolute: values are at most about 1 + sqrt(logInvDrift / 2), so the roundings stay far below it. The same
  ;;   for maxMean - maxEps <= mean - epsZ. epsZ itself is computed only when a cut point moves. The screen
  ;;   compares d with a line below sqrt(t - margin) over a block of 512 values (see $cutScreen).
  ;; - Rise and fall tests, gap >= sqrt(m / 2 * log(2 / confidence)): see $exceeds. The bound squared grows with
  ;;   n, so its value at the next n (less a little) clears until the next block or full decision.
  (func (export "hddmA") (param $start i32) (param $end i32) (result i32)
    (local $p i32) (local $stop i32) (local $blockStop i32) (local $drift i32) (local $w i32) (local $onset i32)
    (local $warning i32) (local $twoSided i32) (local $bits i64)
    (local $x f64) (local $n f64) (local $mean f64) (local $minN f64) (local $minMean f64)
    (local $maxN f64) (local $maxMean f64) (local $inv f64) (local $t f64) (local $gap f64) (local $c f64)
    (local $minSide f64) (local $maxSide f64) (local $cutBound f64) (local $cutAt f64) (local $cutSlope f64)
    (local $riseBound f64) (local $fallBound f64)
    (local $halfLogInvDrift f64) (local $quiet f64) (local $logTwoOverDrift f64) (local $logTwoOverWarning f64)
    (local $margin f64) (local $one f64)
    (local.set $n (f64.load offset=16 (i32.const 0)))
    (local.set $mean (f64.load offset=24 (i32.const 0)))
    (local.set $minN (f64.load offset=32 (i32.const 0)))
    (local.set $minMean (f64.load offset=40 (i32.const 0)))
    (local.set $maxN (f64.load offset=48 (i32.const 0)))
    (local.set $maxMean (f64.load offset=56 (i32.const 0)))
    (local.set $warning (f64.ne (f64.load offset=80 (i32.const 0)) (f64.const 0)))
    ;; (0.5 / n) * logInvDrift is exactly (1 / (2n)) * logInvDrift: halving is exact.
    (local.set $halfLogInvDrift (f64.mul (f64.const 0.5) (f64.load offset=128 (i32.const 0))))
    (local.set $logTwoOverDrift (f64.load offset=136 (i32.const 0)))
    (local.set $logTwoOverWarning (f64.load offset=144 (i32.const 0)))
    (local.set $twoSided (f64.ne (f64.load offset=152 (i32.const 0)) (f64.const 0)))
    (local.set $margin (f64.load offset=160 (i32.const 0)))
    ;; 1, from memory (see the slots above): as a literal, V8 rebuilds it in a register at each use in the loop.
    (local.set $one (f64.load offset=192 (i32.const 0)))
    ;; gap^2 <= (n - cutN) / cutN / n * quiet clears both tests (of the lower threshold, so of both).
    (local.set $quiet
      (f64.mul (f64.mul (f64.const 0.5) (f64.min (local.get $logTwoOverDrift) (local.get $logTwoOverWarning)))
        (f64.const 0.999999999999)))
    ;; A cut point not set yet (count 0) gets an infinite side: the screen then sends the value to the full
    ;; decision, which sets it.
    (local.set $minSide
      (select (f64.const inf) (f64.add (local.get $minMean) (f64.load offset=64 (i32.const 0)))
        (f64.eq (local.get $minN) (f64.const 0))))
    (local.set $maxSide
      (select (f64.const -inf) (f64.sub (local.get $maxMean) (f64.load offset=72 (i32.const 0)))
        (f64.eq (local.get $maxN) (f64.const 0))))
    (local.set $p (i32.add (i32.const 1024) (i32.shl (local.get $start) (i32.const 3))))
    (local.set $stop (i32.add (i32.const 1024) (i32.shl (local.get $end) (i32.const 3))))
    (local.set $blockStop (local.get $p))
    (local.set $fallBound (f64.const inf))
    ;; Values the screen clears run in the inner loop alone; the full decision sits outside it, so the inner loop
    ;; keeps its values in registers.
    (block $done
      (loop $next
        (if (i32.ge_u (local.get $p) (local.get $blockStop))
          (then
            ;; Every 512 values, the screen's bounds are set again for the next 512 (and no further, so they
            ;; stay close).
            (br_if $done (i32.ge_u (local.get $p) (local.get $stop)))
            (local.set $blockStop
              (select (local.get $stop) (i32.add (local.get $p) (i32.const 4096))
                (i32.lt_u (i32.sub (local.get $stop) (local.get $p)) (i32.const 4096))))
            (call $cutScreen (local.get $halfLogInvDrift)
              (f64.add (local.get $n)
                (f64.convert_i32_u (i32.shr_u (i32.sub (local.get $blockStop) (local.get $p)) (i32.const 3))))
              (local.get $margin))
            (local.set $cutAt (f64.load offset=944 (i32.const 0)))
            (local.set $cutSlope (f64.load offset=952 (i32.const 0)))
            (local.set $riseBound
              (call $testScreen (local.get $minN) (f64.add (local.get $n) (f64.const 1)) (local.get $quiet)))
            (if (local.get $twoSided)
              (then
                (local.set $fallBound
                  (call $testScreen (local.get $maxN) (f64.add (local.get $n) (f64.const 1)) (local.get $quiet)))))))
        (block $decide
          (loop $screen
            (br_if $next (i32.ge_u (local.get $p) (local.get $blockStop)))
            (local.set $x (f64.load (local.get $p)))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            ;; x(1 - x) is +0 for 0 and 1 (and -0 for -0), anything else for other values: its bits, or-ed.
            (local.set $bits
              (i64.or (local.get $bits)
                (i64.reinterpret_f64 (f64.mul (local.get $x) (f64.sub (local.get $one) (local.get $x))))))
            (local.set $n (f64.add (local.get $n) (local.get $one)))
            (local.set $inv (f64.div (local.get $one) (local.get $n)))
            (local.set $mean (f64.add (local.get $mean) (f64.mul (local.get $inv) (f64.sub (local.get $x) (local.get $mean)))))
            (local.set $cutBound (f64.sub (local.get $cutAt) (f64.mul (local.get $cutSlope) (local.get $n))))
            (br_if $decide (f64.gt (f64.sub (local.get $minSide) (local.get $mean)) (local.get $cutBound)))
            (br_if $decide (f64.gt (f64.sub (local.get $mean) (local.get $maxSide)) (local.get $cutBound)))
            (br_if $decide (f64.gt (f64.sub (local.get $mean) (local.get $minMean)) (local.get $riseBound)))
            (br_if $decide (f64.gt (f64.sub (local.get $maxMean) (local.get $mean)) (local.get $fallBound)))
            (local.set $warning (i32.const 0))
            (br $screen)))
        ;; The full decision, as update() makes it.
        (local.set $t (f64.mul (local.get $inv) (local.get $halfLogInvDrift)))
        (if (f64.eq (local.get $minN) (f64.const 0))
          (then
            (local.set $minN (local.get $n))
            (local.set $minMean (local.get $mean))
            (f64.store offset=64 (i32.const 0) (f64.sqrt (local.get $t)))
            (local.set $minSide (f64.add (local.get $minMean) (f64.load offset=64 (i32.const 0))))))
        (if (f64.eq (local.get $maxN) (f64.const 0))
          (then
            (local.set $maxN (local.get $n))
            (local.set $maxMean (local.get $mean))
            (f64.store offset=72 (i32.const 0) (f64.sqrt (local.get $t)))
            (local.set $maxSide (f64.sub (local.get $maxMean) (f64.load offset=72 (i32.const 0))))))
        (if (call $cutMayMove (f64.sub (local.get $minSide) (local.get $mean)) (local.get $t) (local.get $margin))
          (then
            (if (f64.ge (local.get $minSide) (f64.add (local.get $mean) (f64.sqrt (local.get $t))))
              (then
                (local.set $minN (local.get $n))
                (local.set $minMean (local.get $mean))
                (f64.store offset=64 (i32.const 0) (f64.sqrt (local.get $t)))
                (local.set $minSide (f64.add (local.get $minMean) (f64.load offset=64 (i32.const 0))))))))
        (if (call $cutMayMove (f64.sub (local.get $mean) (local.get $maxSide)) (local.get $t) (local.get $margin))
          (then
            (if (f64.le (local.get $maxSide) (f64.sub (local.get $mean) (f64.sqrt (local.get $t))))
              (then
                (local.set $maxN (local.get $n))
                (local.set $maxMean (local.get $mean))
                (f64.store offset=72 (i32.const 0) (f64.sqrt (local.get $t)))
                (local.set $maxSide (f64.sub (local.get $maxMean) (f64.load offset=72 (i32.const 0))))))))
        ;; A rise decides drift and warning; a two-sided fall can add either, never clear them.
        (local.set $drift (i32.const 0))
        (local.set $w (i32.const 0))
        (if (f64.ne (local.get $minN) (local.get $n))
          (then
            (local.set $gap (f64.sub (local.get $mean) (local.get $minMean)))
            (local.set $c
              (f64.mul (f64.mul (f64.div (f64.sub (local.get $n) (local.get $minN)) (local.get $minN)) (local.get $inv))
                (f64.const 0.5)))
            (local.set $drift
              (call $exceeds (local.get $gap) (f64.mul (local.get $c) (local.get $logTwoOverDrift))
                (local.get $n) (local.get $minN) (local.get $inv) (local.get $logTwoOverDrift)))
            (if (i32.eqz (local.get $drift))
              (then
                (local.set $w
                  (call $exceeds (local.get $gap) (f64.mul (local.get $c) (local.get $logTwoOverWarning))
                    (local.get $n) (local.get $minN) (local.get $inv) (local.get $logTwoOverWarning)))))))
        (if (i32.and (local.get $twoSided) (f64.ne (local.get $maxN) (local.get $n)))
          (then
            (local.set $gap (f64.sub (local.get $maxMean) (local.get $mean)))
            (local.set $c
              (f64.mul (f64.mul (f64.div (f64.sub (local.get $n) (local.get $maxN)) (local.get $maxN)) (local.get $inv))
                (f64.const 0.5)))
            (if (call $exceeds (local.get $gap) (f64.mul (local.get $c) (local.get $logTwoOverDrift))
                  (local.get $n) (local.get $maxN) (local.get $inv) (local.get $logTwoOverDrift))
              (then (local.set $drift (i32.const 1)))
              (else
                (if (call $exceeds (local.get $gap) (f64.mul (local.get $c) (local.get $logTwoOverWarning))
                      (local.get $n) (local.get $maxN) (local.get $inv) (local.get $logTwoOverWarning))
                  (then (local.set $w (i32.const 1))))))))
        (local.set $onset (i32.and (local.get $w) (i32.eqz (local.get $warning))))
        (local.set $warning (local.get $w))
        (if (i32.or (local.get $drift) (local.get $onset))
          (then
            (f64.store (i32.const 0)
              (f64.convert_i32_u (i32.or (local.get $drift) (i32.shl (local.get $onset) (i32.const 1)))))
            (br $done)))
        ;; The bound of a test is set again when its cut point has just moved (it then starts near 0) or the gap
        ;; went past it; it stays valid otherwise.
        (if (i32.or (f64.eq (local.get $minN) (local.get $n))
              (f64.gt (f64.sub (local.get $mean) (local.get $minMean)) (local.get $riseBound)))
          (then
            (local.set $riseBound
              (call $testScreen (local.get $minN) (f64.add (local.get $n) (f64.const 1)) (local.get $quiet)))))
        (if (i32.and (local.get $twoSided)
              (i32.or (f64.eq (local.get $maxN) (local.get $n))
                (f64.gt (f64.sub (local.get $maxMean) (local.get $mean)) (local.get $fallBound))))
          (then
            (local.set $fallBound
              (call $testScreen (local.get $maxN) (f64.add (local.get $n) (f64.const 1)) (local.get $quiet)))))
        (br $next)))
    (f64.store offset=8 (i32.const 0)
      (f64.add (f64.load offset=8 (i32.const 0))
        (f64.convert_i32_u (i64.ne (i64.and (local.get $bits) (i64.const 0x7fffffffffffffff)) (i64.const 0)))))
    (f64.store offset=16 (i32.const 0) (local.get $n))
    (f64.store offset=24 (i32.const 0) (local.get $mean))
    (f64.store offset=32 (i32.const 0) (local.get $minN))
    (f64.store offset=40 (i32.const 0) (local.get $minMean))
    (f64.store offset=48 (i32.const 0) (local.get $maxN))
    (f64.store offset=56 (i32.const 0) (local.get $maxMean))
    (f64.store offset=80 (i32.const 0) (f64.convert_i32_u (local.get $warning)))
    (i32.shr_u (i32.sub (local.get $p) (i32.const 1024)) (i32.const 3)))

  ;; Whether a cut point may move, from d = side - mean (mean - side for the upper one): no when d < 0 or
  ;; d^2 <= t - margin; otherwise the caller decides exactly.
  (func $cutMayMove (param $d f64) (param $t f64) (param $margin f64) (result i32)
    (i32.and
      (f64.ge (local.get $d) (f64.const 0))
      (f64.gt (f64.mul (local.get $d) (local.get $d)) (f64.sub (local.get $t) (local.get $margin)))))

;; The screen's bound on d for the cut points over a block of values whose last count is lastN: d at most
  ;; cutAt - cutSlope n (slots 118, 119) means d^2 <= t - margin at count n. sqrt(t - margin), t = h / n, is convex
  ;; in n, so its tangent at lastN (made 1e-9 smaller) lies below it over the block. Where t - margin is not
  ;; clearly positive, -inf: every value then takes the full decision.
  (func $cutScreen (param $halfLogInvDrift f64) (param $lastN f64) (param $margin f64)
    (local $t f64) (local $root f64) (local $slope f64)
    (local.set $t (f64.div (local.get $halfLogInvDrift) (local.get $lastN)))
    (if (f64.ge (local.get $margin) (f64.mul (f64.const 0.5) (local.get $t)))
      (then
        (f64.store offset=944 (i32.const 0) (f64.const -inf))
        (f64.store offset=952 (i32.const 0) (f64.const 0))
        (return)))
    (local.set $root (f64.sqrt (f64.sub (local.get $t) (local.get $margin))))
    (local.set $slope
      (f64.div (local.get $t) (f64.mul (f64.mul (f64.const 2) (local.get $lastN)) (local.get $root))))
    (f64.store offset=944 (i32.const 0)
      (f64.mul (f64.add (local.get $root) (f64.mul (local.get $slope) (local.get $lastN))) (f64.const 0.999999999)))
    (f64.store offset=952 (i32.const 0) (f64.mul (local.get $slope) (f64.const 0.999999999))))

  ;; The screen's bound on a rise (fall) gap from count nextN on, while the cut point stays at cutN: the test's
  ;; bound squared, (n - cutN) / n / cutN * quiet, only grows with n. -inf until there is a cut point.
  (func $testScreen (param $cutN f64) (param $nextN f64) (param $quiet f64) (result f64)
    (if (result f64) (f64.le (local.get $cutN) (f64.const 0))
      (then (f64.const -inf))
      (else
        (f64.mul
          (f64.sqrt
            (f64.mul
              (f64.div (f64.sub (local.get $nextN) (local.get $cutN)) (f64.mul (local.get $nextN) (local.get $cutN)))
              (local.get $quiet)))
          (f64.const 0.999999999)))))
)
