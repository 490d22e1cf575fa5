import { ntuBones } from '@skelnorm/data';
import { project, type OrbitView, type Projection, type ScreenPoint } from './orbit-camera.js';
import { appearanceAt, sequenceBounds, type SkeletonSequence } from './skeleton-sequence.js';

/** One colour per person, in order; more persons than colours wrap around. */
export const personColours: readonly string[] = ['#e4572e', '#1f9bd1', '#f2a541', '#5fb04a', '#a05195', '#8a8a8a'];

/** NTU skeletons are recorded at 30 frames per second. */
const FRAMES_PER_SECOND = 30;

/** The DOM the viewer drives; all of it is in index.html. */
export interface SkeletonViewerElements {
  readonly canvas: HTMLCanvasElement;
  readonly playButton: HTMLButtonElement;
  readonly frameSlider: HTMLInputElement;
  readonly frameLabel: HTMLElement;
  readonly yawSlider: HTMLInputElement;
  readonly pitchSlider: HTMLInputElement;
  readonly legend: HTMLElement;
  /** What the canvas says while there is nothing to show; default: where to drop a file. */
  readonly emptyText?: string;
}

/**
 * Animates a {@link SkeletonSequence} on a 2D canvas: bones of the 25-joint Kinect graph, one
 * colour per person, tracked joints filled and inferred ones hollow, a floor grid under the lowest
 * joint. Play/pause, a frame slider and camera rotation (sliders, or drag on the canvas).
 */
export class SkeletonViewer {
  private sequence: SkeletonSequence | undefined;
  private bounds = { centre: [0, 0, 0] as [number, number, number], radius: 1, floorY: -1 };
  private frame = 0;
  private playing = false;
  private lastTick = 0;
  private animation = 0;
  private readonly view: OrbitView = { yaw: 0, pitch: 0.2 };
  private readonly point: ScreenPoint = { x: 0, y: 0, depth: 0 };

  constructor(private readonly el: SkeletonViewerElements) {
    el.playButton.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    el.frameSlider.addEventListener('input', () => {
      this.pause();
      this.showFrame(Number(el.frameSlider.value));
    });
    const readAngles = () => {
      this.view.yaw = (Number(el.yawSlider.value) * Math.PI) / 180;
      this.view.pitch = (Number(el.pitchSlider.value) * Math.PI) / 180;
      this.draw();
    };
    el.yawSlider.addEventListener('input', readAngles);
    el.pitchSlider.addEventListener('input', readAngles);
    this.enableDragRotation();
    readAngles();
  }

  /** Shows a new sequence from its first frame, paused. */
  load(sequence: SkeletonSequence): void {
    this.pause();
    this.sequence = sequence;
    this.bounds = sequenceBounds(sequence);
    const last = Math.max(0, sequence.frameCount - 1);
    this.el.frameSlider.max = String(last);
    this.el.frameSlider.disabled = sequence.frameCount <= 1;
    this.el.playButton.disabled = sequence.frameCount <= 1;
    this.el.canvas.dataset['frameCount'] = String(sequence.frameCount);
    this.el.canvas.dataset['persons'] = String(sequence.persons.length);
    this.renderLegend(sequence);
    this.showFrame(0);
  }

  /** Shows nothing (a file that could not be read must not leave the previous skeleton on show). */
  clear(): void {
    this.pause();
    this.sequence = undefined;
    this.el.frameSlider.max = '0';
    this.el.frameSlider.disabled = true;
    this.el.playButton.disabled = true;
    this.el.canvas.dataset['frameCount'] = '0';
    this.el.canvas.dataset['persons'] = '0';
    this.el.legend.replaceChildren();
    this.showFrame(0);
  }

  play(): void {
    if (this.sequence === undefined || this.playing) return;
    this.playing = true;
    this.el.playButton.textContent = 'Pause';
    this.lastTick = performance.now();
    const tick = (now: number) => {
      if (!this.playing || this.sequence === undefined) return;
      const advance = Math.floor(((now - this.lastTick) * FRAMES_PER_SECOND) / 1000);
      if (advance > 0) {
        this.lastTick += (advance * 1000) / FRAMES_PER_SECOND;
        this.showFrame((this.frame + advance) % this.sequence.frameCount);
      }
      this.animation = requestAnimationFrame(tick);
    };
    this.animation = requestAnimationFrame(tick);
  }

  pause(): void {
    this.playing = false;
    cancelAnimationFrame(this.animation);
    this.el.playButton.textContent = 'Play';
  }

  /** Jumps to a frame (clamped) and redraws. */
  showFrame(frame: number): void {
    const count = this.sequence?.frameCount ?? 1;
    this.frame = Math.min(Math.max(0, Math.round(frame)), count - 1);
    this.el.frameSlider.value = String(this.frame);
    this.el.frameLabel.textContent = `${this.frame + 1} / ${count}`;
    this.el.canvas.dataset['frame'] = String(this.frame);
    this.draw();
  }

  /** Sets the camera angles (degrees) and redraws. */
  setView(yawDegrees: number, pitchDegrees: number): void {
    this.el.yawSlider.value = String(yawDegrees);
    this.el.pitchSlider.value = String(pitchDegrees);
    this.el.yawSlider.dispatchEvent(new Event('input'));
  }

  private enableDragRotation(): void {
    const canvas = this.el.canvas;
    let dragging: { x: number; y: number; yaw: number; pitch: number } | undefined;
    canvas.addEventListener('pointerdown', (event) => {
      dragging = { x: event.clientX, y: event.clientY, yaw: Number(this.el.yawSlider.value), pitch: Number(this.el.pitchSlider.value) };
      canvas.setPointerCapture(event.pointerId);
    });
    canvas.addEventListener('pointermove', (event) => {
      if (dragging === undefined) return;
      const yaw = ((dragging.yaw + (event.clientX - dragging.x) * 0.5 + 540) % 360) - 180;
      const pitch = Math.max(-89, Math.min(89, dragging.pitch + (event.clientY - dragging.y) * 0.5));
      this.setView(Math.round(yaw), Math.round(pitch));
    });
    const stop = () => (dragging = undefined);
    canvas.addEventListener('pointerup', stop);
    canvas.addEventListener('pointercancel', stop);
  }

  private renderLegend(sequence: SkeletonSequence): void {
    this.el.legend.replaceChildren(
      ...sequence.persons.map((person, i) => {
        const item = document.createElement('li');
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = personColours[i % personColours.length]!;
        item.append(swatch, `${person.label} (${person.frames.length} frames)`);
        return item;
      }),
    );
  }

  private draw(): void {
    const canvas = this.el.canvas;
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    const projection: Projection = { centre: this.bounds.centre, radius: this.bounds.radius, width: canvas.width, height: canvas.height };
    ctx.fillStyle = '#10141b';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    this.drawFloor(ctx, projection);
    const sequence = this.sequence;
    if (sequence === undefined) {
      ctx.fillStyle = '#8893a5';
      ctx.font = '16px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.fillText(this.el.emptyText ?? 'Drop a .skeleton file here, or pick one above', canvas.width / 2, canvas.height / 2);
      return;
    }
    const V = sequence.jointCount;
    const screen = new Float32Array(V * 2);
    sequence.persons.forEach((person, p) => {
      const k = appearanceAt(person, this.frame);
      if (k < 0) return;
      const colour = personColours[p % personColours.length]!;
      for (let v = 0; v < V; v++) {
        const j = (k * V + v) * 3;
        project(this.view, projection, person.xyz[j]!, person.xyz[j + 1]!, person.xyz[j + 2]!, this.point);
        screen[2 * v] = this.point.x;
        screen[2 * v + 1] = this.point.y;
      }
      ctx.strokeStyle = colour;
      ctx.lineWidth = 3;
      ctx.lineCap = 'round';
      ctx.beginPath();
      for (const [joint, parent] of ntuBones) {
        if (joint >= V || parent >= V) continue;
        ctx.moveTo(screen[2 * joint]!, screen[2 * joint + 1]!);
        ctx.lineTo(screen[2 * parent]!, screen[2 * parent + 1]!);
      }
      ctx.stroke();
      for (let v = 0; v < V; v++) {
        const state = person.states?.[k * V + v] ?? 2;
        ctx.beginPath();
        ctx.arc(screen[2 * v]!, screen[2 * v + 1]!, state === 2 ? 4 : 3.5, 0, 2 * Math.PI);
        if (state === 2) {
          ctx.fillStyle = colour;
          ctx.fill();
        } else {
          // Inferred (1) or not tracked (0): hollow, so a viewer sees what the Kinect guessed.
          ctx.fillStyle = '#10141b';
          ctx.fill();
          ctx.lineWidth = 1.5;
          ctx.stroke();
          ctx.lineWidth = 3;
        }
      }
    });
    ctx.fillStyle = '#c9d1dd';
    ctx.font = '13px ui-monospace, monospace';
    ctx.textAlign = 'left';
    ctx.fillText(`${sequence.name}  frame ${this.frame + 1}/${sequence.frameCount}`, 10, 20);
  }

  /** A 3 m x 3 m grid on the floor plane (lowest joint), 0.5 m squares, under the scene centre. */
  private drawFloor(ctx: CanvasRenderingContext2D, projection: Projection): void {
    const [cx, , cz] = this.bounds.centre;
    const y = this.bounds.floorY;
    const half = 1.5;
    ctx.strokeStyle = '#2a3342';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let i = -half; i <= half + 1e-9; i += 0.5) {
      const a = project(this.view, projection, cx + i, y, cz - half, { x: 0, y: 0, depth: 0 });
      const b = project(this.view, projection, cx + i, y, cz + half, { x: 0, y: 0, depth: 0 });
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(b.x, b.y);
      const c = project(this.view, projection, cx - half, y, cz + i, { x: 0, y: 0, depth: 0 });
      const d = project(this.view, projection, cx + half, y, cz + i, { x: 0, y: 0, depth: 0 });
      ctx.moveTo(c.x, c.y);
      ctx.lineTo(d.x, d.y);
    }
    ctx.stroke();
  }
}
