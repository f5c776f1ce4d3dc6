/**
 * Reads docker/Dockerfile into stages with dockerfile-ast (the parser behind VS Code's Docker
 * support), so the tests check and replay what Docker would see rather than matching text.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DockerfileParser,
  type Env,
  type Healthcheck,
  type Instruction,
  type JSONInstruction,
  type ModifiableInstruction,
} from 'dockerfile-ast';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const dockerfilePath = fileURLToPath(new URL('../../Dockerfile', import.meta.url));
/** Where every stage keeps the application. */
export const WORKDIR = '/app';

export interface Stage {
  /** The `AS` name. */
  readonly name: string;
  /** What the stage starts from: an image reference, or the name of an earlier stage. */
  readonly from: string;
  /** True when `from` is an image pulled from a registry rather than an earlier stage. */
  readonly fromImage: boolean;
  /** FROM's `--platform` value (`$BUILDPLATFORM`), when the stage does not build for the target. */
  readonly platform: string | undefined;
  /** Its instructions after FROM, in order. */
  readonly instructions: readonly Instruction[];
}

export interface ParsedDockerfile {
  readonly stages: readonly Stage[];
  /** Parser directives (`# syntax=`, `# check=`). */
  readonly directives: ReadonlyMap<string, string>;
}

export function readDockerfile(path = dockerfilePath): ParsedDockerfile {
  const dockerfile = DockerfileParser.parse(readFileSync(path, 'utf8'));
  const froms = new Map(dockerfile.getFROMs().map((f) => [f.getRange().start.line, f]));
  const stages: Stage[] = [];
  // Instructions before the first FROM (global ARGs) belong to no stage.
  let current: Instruction[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const from = froms.get(lineOf(instruction));
    if (from) {
      const image = from.getImage() ?? '';
      current = [];
      stages.push({
        name: from.getBuildStage() ?? `#${stages.length}`,
        from: image,
        fromImage: !stages.some((s) => s.name === image),
        platform: from.getPlatformFlag()?.getValue() ?? undefined,
        instructions: current,
      });
    } else {
      current.push(instruction);
    }
  }
  const directives = new Map(dockerfile.getDirectives().map((d) => [d.getName(), d.getValue()]));
  return { stages, directives };
}

function lineOf(instruction: Instruction): number {
  return instruction.getRange().start.line;
}

export function stage(parsed: ParsedDockerfile, name: string): Stage {
  const found = parsed.stages.find((s) => s.name === name);
  if (!found) throw new Error(`docker/Dockerfile has no stage named "${name}"`);
  return found;
}

/** The stage and the stages it is built on, oldest first: what the image actually inherits. */
export function lineage(parsed: ParsedDockerfile, name: string): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage(parsed, name); s;) {
    chain.unshift(s);
    s = s.fromImage ? undefined : stage(parsed, s.from);
  }
  return chain;
}

export function instructions(chain: readonly Stage[], keyword: string): Instruction[] {
  return chain.flatMap((s) => s.instructions.filter((i) => i.getKeyword() === keyword));
}

export function last(chain: readonly Stage[], keyword: string): Instruction | undefined {
  return instructions(chain, keyword).at(-1);
}

/** The variables one ENV instruction sets. */
export function envVariables(instruction: Instruction): Record<string, string> {
  return Object.fromEntries(
    (instruction as Env).getProperties().map((p) => [p.getName(), p.getValue() ?? '']),
  );
}

/** The environment a stage's processes see: every ENV along its lineage, later ones winning. */
export function environment(chain: readonly Stage[]): Record<string, string> {
  return Object.assign({}, ...instructions(chain, 'ENV').map(envVariables));
}

export function flag(instruction: Instruction, name: string): string | undefined {
  const flags = (instruction as ModifiableInstruction).getFlags?.() ?? [];
  return flags.find((f) => f.getName() === name)?.getValue() ?? undefined;
}

/**
 * The argv of an exec-form (JSON array) CMD, ENTRYPOINT or HEALTHCHECK CMD, or undefined for
 * the shell form, which runs under `/bin/sh -c` and so keeps signals from reaching node.
 */
export function execForm(instruction: Instruction): string[] | undefined {
  if (instruction.getKeyword() === 'HEALTHCHECK') {
    const subcommand = (instruction as Healthcheck).getSubcommand();
    if (subcommand?.getValue().toUpperCase() !== 'CMD') return undefined;
    const rest = (instruction.getArgumentsContent() ?? '').replace(/^[\s\S]*?\bCMD\b/i, '');
    return parseJsonArray(rest);
  }
  const strings = (instruction as JSONInstruction).getJSONStrings?.() ?? [];
  if (strings.length === 0) return undefined;
  return parseJsonArray(instruction.getArgumentsContent() ?? '');
}

function parseJsonArray(text: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(text.trim());
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A RUN's shell command without its flags (`--mount=...`), as BuildKit hands it to `/bin/sh -c`. */
export function shellCommand(instruction: Instruction): string {
  return instruction
    .getArguments()
    .map((a) => a.getValue())
    .join(' ');
}

/** The files a COPY takes (`sources`), where it puts them (`destination`), and from which stage. */
export function copySpec(instruction: Instruction): {
  from: string | undefined;
  sources: string[];
  destination: string;
} {
  const args = instruction.getArguments().map((a) => a.getValue());
  return { from: flag(instruction, 'from'), sources: args.slice(0, -1), destination: args.at(-1)! };
}

export const isNpmInstall = (command: string) => /\bnpm (ci|install|i)\b/.test(command);

/** The stage a target copies its whole /app from: its production tree. */
export function appStageName(parsed: ParsedDockerfile, target: string): string {
  const copy = instructions([stage(parsed, target)], 'COPY')
    .map(copySpec)
    .find((c) => c.from !== undefined && c.sources.includes(WORKDIR));
  if (!copy) throw new Error(`${target} copies no ${WORKDIR} from an earlier stage`);
  return copy.from!;
}
