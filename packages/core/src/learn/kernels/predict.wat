;; Gradient boosting's prediction (see ../compiled-trees.ts, which lays out the memory and calls it): every tree's
;; leaf value added to each row's score, tree by tree and so in the same order as the JavaScript walk (the sums are
;; the same bit for bit). All addresses are byte offsets into the imported memory.
;;
;; Nodes are 32-byte records: the threshold (f64, +0), the feature (i32, +8), the address of the child for
;; x <= threshold (+12) and of the other (+16), and a leaf's value (f64, +24). A leaf has feature -1, threshold +inf
;; and itself as both children, so a step from a leaf stays there (the row value it reads, just before the row, is
;; compared with +inf and never chosen). Eight rows walk a tree side by side, each step a branch-free select, until all
;; eight stand on leaves: their loads overlap, which a single walk, one dependent load after another, cannot do.
;; The eight-row body is written out row by row (generated once, kept as source).
(module
  (memory (import "env" "memory") 1)

  ;; Adds, for rows 0..rows of the row-major f64 matrix at `data` (`cols` a row), each of `trees` trees' leaf value to
  ;; the f64 at `out` + 8 row; the trees' roots are the i32 addresses at `roots`.
  (func (export "addTrees") (param $roots i32) (param $trees i32) (param $data i32) (param $rows i32)
      (param $cols i32) (param $out i32)
    (local $t i32) (local $root i32) (local $i i32) (local $row i32) (local $o i32) (local $rowBytes i32)
    (local $node i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 3)))
    (block $treesDone
      (loop $treeLoop
        (br_if $treesDone (i32.ge_u (local.get $t) (local.get $trees)))
        (local.set $root (i32.load (i32.add (local.get $roots) (i32.shl (local.get $t) (i32.const 2)))))
        (local.set $i (i32.const 0))
        (local.set $row (local.get $data))
        (local.set $o (local.get $out))
        (block $blocksDone
          (loop $blockLoop
            (br_if $blocksDone (i32.gt_u (i32.add (local.get $i) (i32.const 8)) (local.get $rows)))
            (call $walkEight (local.get $root) (local.get $row) (local.get $rowBytes) (local.get $o))
            (local.set $o (i32.add (local.get $o) (i32.const 64)))
            (local.set $row (i32.add (local.get $row) (i32.mul (local.get $rowBytes) (i32.const 8))))
            (local.set $i (i32.add (local.get $i) (i32.const 8)))
            (br $blockLoop)))
        ;; The last rows (fewer than eight), one at a time.
        (block $tailDone
          (loop $tailLoop
            (br_if $tailDone (i32.ge_u (local.get $i) (local.get $rows)))
            (local.set $node (local.get $root))
            (block $leaf
              (loop $walk
                (br_if $leaf (i32.lt_s (i32.load offset=8 (local.get $node)) (i32.const 0)))
                (local.set $node
                  (select (i32.load offset=16 (local.get $node)) (i32.load offset=12 (local.get $node))
                    (f64.gt
                      (f64.load
                        (i32.add (local.get $row) (i32.shl (i32.load offset=8 (local.get $node)) (i32.const 3))))
                      (f64.load (local.get $node)))))
                (br $walk)))
            (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (f64.load offset=24 (local.get $node))))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tailLoop)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $treeLoop))))

  ;; Eight consecutive rows from `row` through the tree at `root`, their leaf values added at `o`.
  (func $walkEight (param $root i32) (param $row i32) (param $rowBytes i32) (param $o i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $r4 i32) (local $r5 i32) (local $r6 i32) (local $r7 i32)
    (local $at0 i32) (local $at1 i32) (local $at2 i32) (local $at3 i32) (local $at4 i32) (local $at5 i32) (local $at6 i32) (local $at7 i32)
      (local.set $at0 (i32.add (local.get $row) (i32.mul (local.get $rowBytes) (i32.const 0))))
      (local.set $at1 (i32.add (local.get $row) (i32.mul (local.get $rowBytes) (i32.const 1))))
      (local.set $at2 (i32.add (local.get $row) (i32.mul (local.get $rowBytes) (i32.const 2))))
      (local.set $at3 (i32.add (local.get $row) (i32.mul (local.get $rowBytes) (i32.const 3))))
      (local.set $at4 (i32.add (local.get $row) (i32.mul (local.get $rowBytes) (i32.const 4))))
      (local.set $at5 (i32.add (local.get $row) (i32.mul (local.get $rowBytes) (i32.const 5))))
      (local.set $at6 (i32.add (local.get $row) (i32.mul (local.get $rowBytes) (i32.const 6))))
      (local.set $at7 (i32.add (local.get $row) (i32.mul (local.get $rowBytes) (i32.const 7))))
      (local.set $r0 (local.get $root))
      (local.set $r1 (local.get $root))
      (local.set $r2 (local.get $root))
      (local.set $r3 (local.get $root))
      (local.set $r4 (local.get $root))
      (local.set $r5 (local.get $root))
      (local.set $r6 (local.get $root))
      (local.set $r7 (local.get $root))
    (loop $walk
        (local.set $r0
          (select (i32.load offset=16 (local.get $r0)) (i32.load offset=12 (local.get $r0))
            (f64.gt
              (f64.load (i32.add (local.get $at0) (i32.shl (i32.load offset=8 (local.get $r0)) (i32.const 3))))
              (f64.load (local.get $r0)))))
        (local.set $r1
          (select (i32.load offset=16 (local.get $r1)) (i32.load offset=12 (local.get $r1))
            (f64.gt
              (f64.load (i32.add (local.get $at1) (i32.shl (i32.load offset=8 (local.get $r1)) (i32.const 3))))
              (f64.load (local.get $r1)))))
        (local.set $r2
          (select (i32.load offset=16 (local.get $r2)) (i32.load offset=12 (local.get $r2))
            (f64.gt
              (f64.load (i32.add (local.get $at2) (i32.shl (i32.load offset=8 (local.get $r2)) (i32.const 3))))
              (f64.load (local.get $r2)))))
        (local.set $r3
          (select (i32.load offset=16 (local.get $r3)) (i32.load offset=12 (local.get $r3))
            (f64.gt
              (f64.load (i32.add (local.get $at3) (i32.shl (i32.load offset=8 (local.get $r3)) (i32.const 3))))
              (f64.load (local.get $r3)))))
        (local.set $r4
          (select (i32.load offset=16 (local.get $r4)) (i32.load offset=12 (local.get $r4))
            (f64.gt
              (f64.load (i32.add (local.get $at4) (i32.shl (i32.load offset=8 (local.get $r4)) (i32.const 3))))
              (f64.load (local.get $r4)))))
        (local.set $r5
          (select (i32.load offset=16 (local.get $r5)) (i32.load offset=12 (local.get $r5))
            (f64.gt
              (f64.load (i32.add (local.get $at5) (i32.shl (i32.load offset=8 (local.get $r5)) (i32.const 3))))
              (f64.load (local.get $r5)))))
        (local.set $r6
          (select (i32.load offset=16 (local.get $r6)) (i32.load offset=12 (local.get $r6))
            (f64.gt
              (f64.load (i32.add (local.get $at6) (i32.shl (i32.load offset=8 (local.get $r6)) (i32.const 3))))
              (f64.load (local.get $r6)))))
        (local.set $r7
          (select (i32.load offset=16 (local.get $r7)) (i32.load offset=12 (local.get $r7))
            (f64.gt
              (f64.load (i32.add (local.get $at7) (i32.shl (i32.load offset=8 (local.get $r7)) (i32.const 3))))
              (f64.load (local.get $r7)))))
      (br_if $walk (i32.ge_s (i32.and (i32.and (i32.and (i32.load offset=8 (local.get $r0)) (i32.load offset=8 (local.get $r1))) (i32.and (i32.load offset=8 (local.get $r2)) (i32.load offset=8 (local.get $r3)))) (i32.and (i32.and (i32.load offset=8 (local.get $r4)) (i32.load offset=8 (local.get $r5))) (i32.and (i32.load offset=8 (local.get $r6)) (i32.load offset=8 (local.get $r7))))) (i32.const 0))))
      (f64.store offset=0 (local.get $o) (f64.add (f64.load offset=0 (local.get $o)) (f64.load offset=24 (local.get $r0))))
      (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (f64.load offset=24 (local.get $r1))))
      (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.load offset=24 (local.get $r2))))
      (f64.store offset=24 (local.get $o) (f64.add (f64.load offset=24 (local.get $o)) (f64.load offset=24 (local.get $r3))))
      (f64.store offset=32 (local.get $o) (f64.add (f64.load offset=32 (local.get $o)) (f64.load offset=24 (local.get $r4))))
      (f64.store offset=40 (local.get $o) (f64.add (f64.load offset=40 (local.get $o)) (f64.load offset=24 (local.get $r5))))
      (f64.store offset=48 (local.get $o) (f64.add (f64.load offset=48 (local.get $o)) (f64.load offset=24 (local.get $r6))))
      (f64.store offset=56 (local.get $o) (f64.add (f64.load offset=56 (local.get $o)) (f64.load offset=24 (local.get $r7))))))
