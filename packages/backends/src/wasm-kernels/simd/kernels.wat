;; skelnorm's own wasm SIMD kernels, run on the tfjs wasm backend's memory (imported as env.memory).
;; Every pointer is a byte offset into that memory; every float array holds float32.
;; `npm run build:simd -w @skelnorm/backends` compiles this file (wabt) into kernels.generated.ts;
;; a test checks that the two agree.
(module
  (import "env" "memory" (memory 0))

  ;; MaxPoolGrad of a 2x2, stride 2, unpadded pool over x [batch, inH, inW, c] (c a multiple of 4),
  ;; dy [batch, outH, outW, c] -> dx (same shape as x), four channels at a time. The gradient of a
  ;; window goes to its first strictly greatest element (row-major), where "greater" starts from
  ;; -Infinity: NaN never wins and a window with nothing above -Infinity passes no gradient (the
  ;; cpu backend's rule). Winners are lane masks, so there are no branches per element. Rows and
  ;; columns that no window covers are left for the caller to zero.
  (func (export "maxPoolGrad2x2")
    (param $x i32) (param $g i32) (param $dx i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $c i32) (param $outH i32) (param $outW i32)
    (local $cBytes i32) (local $rowBytes i32) (local $imageBytes i32)
    (local $b i32) (local $r i32) (local $col i32) (local $d i32)
    (local $row i32) (local $o00 i32) (local $o01 i32) (local $o10 i32) (local $o11 i32)
    (local $v00 v128) (local $v01 v128) (local $v10 v128) (local $v11 v128)
    (local $best v128) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $gv v128)
    (local.set $cBytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $inW) (local.get $cBytes)))
    (local.set $imageBytes (i32.mul (local.get $inH) (local.get $rowBytes)))
    (local.set $b (i32.const 0))
    (block $batchDone (loop $batchLoop
      (br_if $batchDone (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $r (i32.const 0))
      (block $rowsDone (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $outH)))
        ;; byte offset of input row 2r of image b
        (local.set $row (i32.add
          (i32.mul (local.get $b) (local.get $imageBytes))
          (i32.mul (i32.shl (local.get $r) (i32.const 1)) (local.get $rowBytes))))
        (local.set $col (i32.const 0))
        (block $colsDone (loop $colLoop
          (br_if $colsDone (i32.ge_u (local.get $col) (local.get $outW)))
          (local.set $d (i32.const 0))
          (block $chansDone (loop $chanLoop
            (br_if $chansDone (i32.ge_u (local.get $d) (local.get $cBytes)))
            (local.set $o00 (i32.add (local.get $row)
              (i32.add (i32.mul (i32.shl (local.get $col) (i32.const 1)) (local.get $cBytes)) (local.get $d))))
            (local.set $o01 (i32.add (local.get $o00) (local.get $cBytes)))
            (local.set $o10 (i32.add (local.get $o00) (local.get $rowBytes)))
            (local.set $o11 (i32.add (local.get $o10) (local.get $cBytes)))
            (local.set $v00 (v128.load (i32.add (local.get $x) (local.get $o00))))
            (local.set $v01 (v128.load (i32.add (local.get $x) (local.get $o01))))
            (local.set $v10 (v128.load (i32.add (local.get $x) (local.get $o10))))
            (local.set $v11 (v128.load (i32.add (local.get $x) (local.get $o11))))
            ;; running maximum from -Infinity; ck: element k beat everything before it
            (local.set $best (f32x4.splat (f32.const -inf)))
            (local.set $c0 (f32x4.gt (local.get $v00) (local.get $best)))
            (local.set $best (v128.bitselect (local.get $v00) (local.get $best) (local.get $c0)))
            (local.set $c1 (f32x4.gt (local.get $v01) (local.get $best)))
            (local.set $best (v128.bitselect (local.get $v01) (local.get $best) (local.get $c1)))
            (local.set $c2 (f32x4.gt (local.get $v10) (local.get $best)))
            (local.set $best (v128.bitselect (local.get $v10) (local.get $best) (local.get $c2)))
            (local.set $c3 (f32x4.gt (local.get $v11) (local.get $best)))
            ;; the winner is the last k whose ck holds
            (local.set $c2 (v128.andnot (local.get $c2) (local.get $c3)))
            (local.set $c1 (v128.andnot (v128.andnot (local.get $c1) (local.get $c3)) (local.get $c2)))
            (local.set $c0 (v128.andnot (v128.andnot (v128.andnot (local.get $c0) (local.get $c3)) (local.get $c2)) (local.get $c1)))
            (local.set $gv (v128.load (local.get $g)))
            (v128.store (i32.add (local.get $dx) (local.get $o00)) (v128.and (local.get $gv) (local.get $c0)))
            (v128.store (i32.add (local.get $dx) (local.get $o01)) (v128.and (local.get $gv) (local.get $c1)))
            (v128.store (i32.add (local.get $dx) (local.get $o10)) (v128.and (local.get $gv) (local.get $c2)))
            (v128.store (i32.add (local.get $dx) (local.get $o11)) (v128.and (local.get $gv) (local.get $c3)))
            (local.set $g (i32.add (local.get $g) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $chanLoop)))
          (local.set $col (i32.add (local.get $col) (i32.const 1)))
          (br $colLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batchLoop)))
  )

  ;; One Adam/AdamW step over n float32 values (n a multiple of 4), as the op chain of
  ;; `Adam.update` in @skelnorm/trainer computes it, one float32 operation at a time, so the bits are
  ;; the same: mode 1 (AdamW) first decays p by `decay`, mode 2 (Adam with L2) adds decay * p to g;
  ;;   m' = m b1 + g (1 - b1),  v' = v b2 + g^2 (1 - b2),
  ;;   p' = p - (m' / (sqrt(v') / correction2 + eps)) * stepSize.
  (func (export "adam")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32)
    (param $pOut i32) (param $mOut i32) (param $vOut i32) (param $n i32)
    (param $b1 f32) (param $oneMinusB1 f32) (param $b2 f32) (param $oneMinusB2 f32)
    (param $stepSize f32) (param $correction2 f32) (param $eps f32) (param $mode i32) (param $decay f32)
    (local $i i32) (local $end i32)
    (local $x v128) (local $gi v128) (local $mi v128) (local $vi v128)
    (local $B1 v128) (local $OMB1 v128) (local $B2 v128) (local $OMB2 v128)
    (local $SS v128) (local $C2 v128) (local $EPS v128) (local $DECAY v128)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $OMB1 (f32x4.splat (local.get $oneMinusB1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $OMB2 (f32x4.splat (local.get $oneMinusB2)))
    (local.set $SS (f32x4.splat (local.get $stepSize)))
    (local.set $C2 (f32x4.splat (local.get $correction2)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $DECAY (f32x4.splat (local.get $decay)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $x (v128.load (i32.add (local.get $p) (local.get $i))))
      (local.set $gi (v128.load (i32.add (local.get $g) (local.get $i))))
      (if (i32.eq (local.get $mode) (i32.const 1))
        (then (local.set $x (f32x4.mul (local.get $x) (local.get $DECAY)))))
      (if (i32.eq (local.get $mode) (i32.const 2))
        (then (local.set $gi (f32x4.add (local.get $gi) (f32x4.mul (local.get $x) (local.get $DECAY))))))
      (local.set $mi (f32x4.add
        (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $B1))
        (f32x4.mul (local.get $gi) (local.get $OMB1))))
      (local.set $vi (f32x4.add
        (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $B2))
        (f32x4.mul (f32x4.mul (local.get $gi) (local.get $gi)) (local.get $OMB2))))
      (v128.store (i32.add (local.get $mOut) (local.get $i)) (local.get $mi))
      (v128.store (i32.add (local.get $vOut) (local.get $i)) (local.get $vi))
      (v128.store (i32.add (local.get $pOut) (local.get $i))
        (f32x4.sub (local.get $x)
          (f32x4.mul
            (f32x4.div (local.get $mi)
              (f32x4.add (f32x4.div (f32x4.sqrt (local.get $vi)) (local.get $C2)) (local.get $EPS)))
            (local.get $SS))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next)))
  )

  ;; out = x transposed, for a row-major x [rows, cols] of 32-bit values with rows and cols
  ;; multiples of 4: 4x4 blocks, each four loads, eight shuffles and four stores. Blocks go down a
  ;; column band of 4 input rows at a time, so each output row is written in 16-byte steps.
  (func (export "transpose4")
    (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $rowBytes i32) (local $outRowBytes i32) (local $src i32) (local $dst i32)
    (local $a v128) (local $b v128) (local $cc v128) (local $d v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $outRowBytes (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (i32.const 0))
      (block $colsDone (loop $colLoop
        (br_if $colsDone (i32.ge_u (local.get $c) (local.get $cols)))
        (local.set $src (i32.add (local.get $x)
          (i32.add (i32.mul (local.get $r) (local.get $rowBytes)) (i32.shl (local.get $c) (i32.const 2)))))
        (local.set $a (v128.load (local.get $src)))
        (local.set $b (v128.load (i32.add (local.get $src) (local.get $rowBytes))))
        (local.set $cc (v128.load (i32.add (local.get $src) (i32.shl (local.get $rowBytes) (i32.const 1)))))
        (local.set $d (v128.load (i32.add (local.get $src) (i32.mul (local.get $rowBytes) (i32.const 3)))))
        ;; (a0 b0 a1 b1) (a2 b2 a3 b3) (c0 d0 c1 d1) (c2 d2 c3 d3)
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $cc) (local.get $d)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $cc) (local.get $d)))
        (local.set $dst (i32.add (local.get $out)
          (i32.add (i32.mul (local.get $c) (local.get $outRowBytes)) (i32.shl (local.get $r) (i32.const 2)))))
        (v128.store (local.get $dst)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
        (v128.store (i32.add (local.get $dst) (local.get $outRowBytes))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
        (v128.store (i32.add (local.get $dst) (i32.shl (local.get $outRowBytes) (i32.const 1)))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
        (v128.store (i32.add (local.get $dst) (i32.mul (local.get $outRowBytes) (i32.const 3)))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $colLoop)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $rowLoop)))
  )

  ;; Channel sums over rows of u and v [rows, c] (c a multiple of 4), for BatchNorm's statistics
  ;; and gradient: with du = w (u - uShift) and dv = (v - vShift) - vCentre per channel (centring
  ;; in two steps, by a value of the channel and then by the small rest of its mean, keeps the
  ;; float32 differences accurate far from zero), where w is counts[row / rowsPerSample] (float32
  ;; per sample) or 1 when counts is 0,
  ;;   s1 += sum over rows of du,  s2 += sum over rows of du dv   (s1, s2: float64 [c]).
  ;; The differences are float32; the weighting, products and sums are float64, where products of
  ;; float32 values are exact and sums of them almost always are: a row counted w times and w equal
  ;; rows give the same sums, so a compacted batch has its dense batch's statistics to the bit.
  (func (export "channelSums")
    (param $u i32) (param $uShift i32) (param $v i32) (param $vShift i32) (param $vCentre i32)
    (param $rows i32) (param $c i32) (param $rowsPerSample i32) (param $counts i32)
    (param $s1 i32) (param $s2 i32)
    (local $cBytes i32) (local $r i32) (local $g i32) (local $row i32) (local $p i32) (local $q i32)
    (local $w v128) (local $du v128) (local $dv v128) (local $lo v128) (local $hi v128)
    (local.set $cBytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $done (loop $rowLoop
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $w (f64x2.splat (f64.const 1)))
      (if (local.get $counts) (then
        (local.set $w (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $counts)
          (i32.shl (i32.div_u (local.get $r) (local.get $rowsPerSample)) (i32.const 2)))))))))
      (local.set $row (i32.mul (local.get $r) (local.get $cBytes)))
      (local.set $g (i32.const 0))
      (block $chDone (loop $chLoop
        (br_if $chDone (i32.ge_u (local.get $g) (local.get $cBytes)))
        (local.set $du (f32x4.sub
          (v128.load (i32.add (local.get $u) (i32.add (local.get $row) (local.get $g))))
          (v128.load (i32.add (local.get $uShift) (local.get $g)))))
        (local.set $dv (f32x4.sub
          (f32x4.sub
            (v128.load (i32.add (local.get $v) (i32.add (local.get $row) (local.get $g))))
            (v128.load (i32.add (local.get $vShift) (local.get $g))))
          (v128.load (i32.add (local.get $vCentre) (local.get $g)))))
        ;; float64 [c]: channel g/4 .. g/4+3 sits at byte 2g
        (local.set $p (i32.add (local.get $s1) (i32.shl (local.get $g) (i32.const 1))))
        (local.set $q (i32.add (local.get $s2) (i32.shl (local.get $g) (i32.const 1))))
        (local.set $lo (f64x2.mul (local.get $w) (f64x2.promote_low_f32x4 (local.get $du))))
        (local.set $hi (f64x2.mul (local.get $w) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $du) (local.get $du)))))
        (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $lo)))
        (v128.store offset=16 (local.get $p) (f64x2.add (v128.load offset=16 (local.get $p)) (local.get $hi)))
        (v128.store (local.get $q) (f64x2.add (v128.load (local.get $q))
          (f64x2.mul (local.get $lo) (f64x2.promote_low_f32x4 (local.get $dv)))))
        (v128.store offset=16 (local.get $q) (f64x2.add (v128.load offset=16 (local.get $q))
          (f64x2.mul (local.get $hi) (f64x2.promote_low_f32x4
            (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $dv) (local.get $dv))))))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $chLoop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop)))
  )

  ;; BatchNorm's output: y = ((x - shift) - centre) * scale + bias, per channel, over rows of
  ;; x [rows, c] (c a multiple of 4; shift, centre, scale, bias float32 [c]; shift + centre is the mean).
  (func (export "batchNormOutput")
    (param $x i32) (param $y i32) (param $rows i32) (param $c i32)
    (param $shift i32) (param $centre i32) (param $scale i32) (param $bias i32)
    (local $cBytes i32) (local $end i32) (local $row i32) (local $g i32) (local $at i32)
    (local.set $cBytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $end (i32.mul (local.get $rows) (local.get $cBytes)))
    (local.set $row (i32.const 0))
    (block $done (loop $rowLoop
      (br_if $done (i32.ge_u (local.get $row) (local.get $end)))
      (local.set $g (i32.const 0))
      (block $chDone (loop $chLoop
        (br_if $chDone (i32.ge_u (local.get $g) (local.get $cBytes)))
        (local.set $at (i32.add (local.get $row) (local.get $g)))
        (v128.store (i32.add (local.get $y) (local.get $at))
          (f32x4.add
            (f32x4.mul
              (f32x4.sub
                (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $at))) (v128.load (i32.add (local.get $shift) (local.get $g))))
                (v128.load (i32.add (local.get $centre) (local.get $g))))
              (v128.load (i32.add (local.get $scale) (local.get $g))))
            (v128.load (i32.add (local.get $bias) (local.get $g)))))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $chLoop)))
      (local.set $row (i32.add (local.get $row) (local.get $cBytes)))
      (br $rowLoop)))
  )

  ;; BatchNorm's input gradient: dx = (dy - w (a + ((x - shift) - centre) k)) * scale per channel,
  ;; where w is counts[row / rowsPerSample] or 1 when counts is 0 (c a multiple of 4; shift,
  ;; centre, a, k, scale float32 [c]).
  (func (export "batchNormInputGradient")
    (param $dy i32) (param $x i32) (param $dx i32) (param $rows i32) (param $c i32)
    (param $rowsPerSample i32) (param $counts i32)
    (param $shift i32) (param $centre i32) (param $a i32) (param $k i32) (param $scale i32)
    (local $cBytes i32) (local $r i32) (local $row i32) (local $g i32) (local $at i32) (local $w v128)
    (local.set $cBytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $done (loop $rowLoop
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $w (f32x4.splat (f32.const 1)))
      (if (local.get $counts) (then
        (local.set $w (v128.load32_splat (i32.add (local.get $counts)
          (i32.shl (i32.div_u (local.get $r) (local.get $rowsPerSample)) (i32.const 2)))))))
      (local.set $row (i32.mul (local.get $r) (local.get $cBytes)))
      (local.set $g (i32.const 0))
      (block $chDone (loop $chLoop
        (br_if $chDone (i32.ge_u (local.get $g) (local.get $cBytes)))
        (local.set $at (i32.add (local.get $row) (local.get $g)))
        (v128.store (i32.add (local.get $dx) (local.get $at))
          (f32x4.mul
            (f32x4.sub
              (v128.load (i32.add (local.get $dy) (local.get $at)))
              (f32x4.mul (local.get $w)
                (f32x4.add
                  (v128.load (i32.add (local.get $a) (local.get $g)))
                  (f32x4.mul
                    (f32x4.sub
                      (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $at))) (v128.load (i32.add (local.get $shift) (local.get $g))))
                      (v128.load (i32.add (local.get $centre) (local.get $g))))
                    (v128.load (i32.add (local.get $k) (local.get $g)))))))
            (v128.load (i32.add (local.get $scale) (local.get $g)))))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $chLoop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop)))
  )
)
