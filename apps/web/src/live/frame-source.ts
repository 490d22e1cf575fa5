/** What the Live screen estimates poses on. */
export type FrameSourceKind = 'camera' | 'video' | 'image';

/** One grabbed frame: its pixels (for the worker) and when it was captured. */
export interface GrabbedFrame {
  readonly image: ImageData;
  readonly timestampMs: number;
}

/**
 * A camera stream, a video file or a still image, drawn into a canvas one frame at a time. The
 * canvas keeps the last grabbed frame, so the screen can draw the skeleton over the very frame it
 * was estimated on. The <video> gets `width`/`height` attributes equal to its
 * `videoWidth`/`videoHeight` (pose-detection reads those and returns no pose when they are 0).
 */
export class FrameSource {
  readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private stream: MediaStream | undefined;
  private objectUrl: string | undefined;
  private image: HTMLImageElement | undefined;

  private constructor(
    readonly kind: FrameSourceKind,
    readonly video: HTMLVideoElement,
  ) {
    this.canvas = document.createElement('canvas');
    const context = this.canvas.getContext('2d', { willReadFrequently: true });
    if (context === null) throw new Error('no 2D canvas context');
    this.context = context;
  }

  /** The default camera (getUserMedia); rejects with the browser's error (NotAllowedError, ...). */
  static async camera(video: HTMLVideoElement): Promise<FrameSource> {
    if (navigator.mediaDevices?.getUserMedia === undefined) {
      throw Object.assign(new Error('navigator.mediaDevices.getUserMedia is not available'), { name: 'NoMediaDevices' });
    }
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
    const source = new FrameSource('camera', video);
    source.stream = stream;
    video.srcObject = stream;
    await source.startVideo();
    return source;
  }

  /** A video file, played muted in a loop. */
  static async videoFile(video: HTMLVideoElement, file: Blob): Promise<FrameSource> {
    const source = new FrameSource('video', video);
    source.objectUrl = URL.createObjectURL(file);
    video.srcObject = null;
    video.src = source.objectUrl;
    video.loop = true;
    await source.startVideo();
    return source;
  }

  /** A still image (one frame). */
  static async imageFile(video: HTMLVideoElement, file: Blob): Promise<FrameSource> {
    const source = new FrameSource('image', video);
    source.objectUrl = URL.createObjectURL(file);
    const image = new Image();
    image.src = source.objectUrl;
    await image.decode();
    source.image = image;
    source.resize(image.naturalWidth, image.naturalHeight);
    return source;
  }

  get width(): number {
    return this.canvas.width;
  }

  get height(): number {
    return this.canvas.height;
  }

  /**
   * Calls `fn` once per new video frame (requestVideoFrameCallback, else every animation frame)
   * until the returned function is called. A still image calls it once.
   */
  onFrames(fn: (captureMs: number) => void): () => void {
    if (this.kind === 'image') {
      queueMicrotask(() => fn(performance.now()));
      return () => {};
    }
    let stopped = false;
    const video = this.video;
    if ('requestVideoFrameCallback' in video) {
      let handle = 0;
      const next = (now: number, meta: VideoFrameCallbackMetadata) => {
        if (stopped) return;
        fn(meta.captureTime ?? meta.expectedDisplayTime ?? now);
        handle = video.requestVideoFrameCallback(next);
      };
      handle = video.requestVideoFrameCallback(next);
      return () => {
        stopped = true;
        video.cancelVideoFrameCallback(handle);
      };
    }
    let handle = 0;
    const tick = (now: number) => {
      if (stopped) return;
      fn(now);
      handle = requestAnimationFrame(tick);
    };
    handle = requestAnimationFrame(tick);
    return () => {
      stopped = true;
      cancelAnimationFrame(handle);
    };
  }

  /** Draws the current frame into {@link canvas} and returns a copy of its pixels. */
  grab(timestampMs: number): GrabbedFrame | undefined {
    const drawable = this.image ?? this.video;
    if (this.kind !== 'image') {
      if (this.video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || this.video.videoWidth === 0) return undefined;
      if (this.video.videoWidth !== this.canvas.width || this.video.videoHeight !== this.canvas.height) this.resize(this.video.videoWidth, this.video.videoHeight);
    }
    this.context.drawImage(drawable, 0, 0, this.canvas.width, this.canvas.height);
    return { image: this.context.getImageData(0, 0, this.canvas.width, this.canvas.height), timestampMs };
  }

  stop(): void {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.video.pause();
    this.video.srcObject = null;
    this.video.removeAttribute('src');
    if (this.objectUrl !== undefined) URL.revokeObjectURL(this.objectUrl);
    this.stream = undefined;
    this.objectUrl = undefined;
  }

  private async startVideo(): Promise<void> {
    const video = this.video;
    video.muted = true;
    video.playsInline = true;
    if (video.readyState < HTMLMediaElement.HAVE_METADATA) {
      await new Promise<void>((resolve, reject) => {
        video.addEventListener('loadedmetadata', () => resolve(), { once: true });
        video.addEventListener('error', () => reject(new Error(`the video cannot be played: ${video.error?.message ?? 'unknown format'}`)), { once: true });
      });
    }
    this.resize(video.videoWidth, video.videoHeight);
    await video.play();
  }

  private resize(width: number, height: number): void {
    this.canvas.width = width;
    this.canvas.height = height;
    this.video.width = width;
    this.video.height = height;
  }
}
