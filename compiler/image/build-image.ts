import { BentocError } from '../diagnostics/index.js';
import { connectDockerEngine, type DockerEngine } from './docker-engine.js';
import { packBuildContext } from './pack-context.js';

/** What a build reports while it runs: the CLI prints these, or writes them as NDJSON with --json. */
export type BuildProgressEvent =
  | { type: 'step'; step: number; total: number; instruction: string }
  | { type: 'log'; line: string }
  | { type: 'pull'; id?: string; status: string; progress?: string }
  | { type: 'built'; imageId: string; tags: string[] };

export interface BuildImageOptions {
  /** A folder with a Dockerfile: the bento directory. */
  contextDir: string;
  /** Files replacing the context's own, e.g. a Dockerfile regenerated for `--base-image`. */
  overrides?: Record<string, string>;
  /** `repo[:tag]` names for the image; the first is the one the build is named by. */
  tags: string[];
  buildArgs?: Record<string, string>;
  /** `os/arch[/variant]`, e.g. `linux/amd64`. @default the engine's own */
  platform?: string;
  noCache?: boolean;
  onProgress?: (event: BuildProgressEvent) => void;
  /** Engine to build on. @default connectDockerEngine() */
  engine?: DockerEngine;
}

export interface BuiltImage {
  imageId: string;
  tags: string[];
}

/** Raw messages of the Engine API's build stream (classic builder). */
interface BuildMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** Classic-builder bookkeeping lines (layer ids, intermediate containers): nothing a user needs to read. */
export function isBuilderChatter(line: string): boolean {
  return /^\s*(---> |Removing intermediate container |Successfully (built|tagged) )/.test(line);
}

/** The builder colours a RUN step's stderr with ANSI codes; errors and NDJSON want plain text. */
const ANSI_ESCAPE = /\x1b\[[0-9;]*m/g;

/** Log lines kept from the failing step, so the error shows why a RUN failed without the whole log. */
const FAILED_STEP_LINES = 40;

/** Builds the image through the Docker Engine API and tags it. Publishing elsewhere is a separate sink. */
export async function buildImage(options: BuildImageOptions): Promise<BuiltImage> {
  if (options.tags.length === 0) throw new Error('buildImage needs at least one tag');
  const { docker } = options.engine ?? (await connectDockerEngine());
  const context = await packBuildContext({ contextDir: options.contextDir, overrides: options.overrides });
  const query: Record<string, unknown> = { t: options.tags, nocache: options.noCache ?? false, rm: true, forcerm: true };
  // Absent, not empty: the engine reads `platform=` as a request for an empty platform.
  if (options.platform) query.platform = options.platform;
  if (options.buildArgs && Object.keys(options.buildArgs).length > 0) query.buildargs = options.buildArgs;
  const stream = await docker.buildImage(context, query as Parameters<typeof docker.buildImage>[1]);

  const tracker = createStepTracker(options.onProgress);
  const messages = await new Promise<BuildMessage[]>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, output: BuildMessage[]) => (error ? reject(error) : resolve(output)),
      (message: BuildMessage) => tracker.take(message),
    );
  });

  const failure = messages.find((m) => m.error !== undefined);
  if (failure) throw toBuildError(failure, tracker);
  const imageId = messages.findLast((m) => m.aux?.ID)?.aux?.ID ?? (await docker.getImage(options.tags[0]!).inspect()).Id;
  options.onProgress?.({ type: 'built', imageId, tags: options.tags });
  return { imageId, tags: options.tags };
}

function createStepTracker(onProgress: BuildImageOptions['onProgress']) {
  let step: { step: number; total: number; instruction: string } | undefined;
  let lines: string[] = [];
  return {
    get step() {
      return step;
    },
    get lines() {
      return lines;
    },
    take(message: BuildMessage): void {
      if (message.stream !== undefined) {
        for (const raw of message.stream.split('\n')) {
          const line = raw.replace(ANSI_ESCAPE, '').trimEnd();
          if (line.trim() === '') continue;
          const match = /^Step (\d+)\/(\d+) : (.*)$/.exec(line);
          if (match) {
            step = { step: Number(match[1]), total: Number(match[2]), instruction: match[3]! };
            lines = [];
            onProgress?.({ type: 'step', ...step });
          } else {
            if (!isBuilderChatter(line)) lines = [...lines.slice(-(FAILED_STEP_LINES - 1)), line];
            onProgress?.({ type: 'log', line });
          }
        }
      } else if (message.status !== undefined) {
        onProgress?.({ type: 'pull', id: message.id, status: message.status, progress: message.progress });
      }
    },
  };
}

function toBuildError(failure: BuildMessage, tracker: ReturnType<typeof createStepTracker>): BentocError {
  const reason = failure.errorDetail?.message ?? failure.error ?? 'unknown error';
  const where = tracker.step ? `step ${tracker.step.step}/${tracker.step.total} (${tracker.step.instruction})` : 'the build';
  const log = tracker.lines.length > 0 ? `\n${tracker.lines.map((l) => `  | ${l}`).join('\n')}` : '';
  return new BentocError('image_build_failed', `The image build failed at ${where}: ${reason}${log}`, {
    hint: hintFor(reason),
  });
}

function hintFor(reason: string): string {
  if (/pull access denied|not found: manifest unknown|no such host|manifest for .* not found|dial tcp/i.test(reason)) {
    return 'The engine could not pull the base image. Pull it first, or pass --base-image with an image the engine has.';
  }
  return 'Fix the failing step (docker.system_packages, docker.setup_script, requirements) and rebuild the bento, or add --no-cache.';
}
