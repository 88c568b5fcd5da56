import { existsSync, readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { globSync } from 'tinyglobby';
import type { DiagnosticBag } from '../../diagnostics/index.js';
import type { ResolvedBentofile } from '../2-validate/index.js';
import { parsePep508 } from '../../utils/parse-pep508.js';

/** Import names whose distribution on PyPI is named differently. */
const distributionOf: Record<string, string> = {
  sklearn: 'scikit-learn',
  PIL: 'Pillow',
  cv2: 'opencv-python',
  yaml: 'PyYAML',
  bs4: 'beautifulsoup4',
  skimage: 'scikit-image',
  google: 'protobuf',
  dateutil: 'python-dateutil',
  dotenv: 'python-dotenv',
  jwt: 'PyJWT',
  Crypto: 'pycryptodome',
  serial: 'pyserial',
  usb: 'pyusb',
  attr: 'attrs',
  magic: 'python-magic',
  docx: 'python-docx',
  fitz: 'PyMuPDF',
  tf: 'tensorflow',
};

/** Modules that ship with CPython: never pip packages. */
const stdlib = new Set(
  'abc argparse array ast asyncio base64 binascii bisect builtins bz2 calendar collections concurrent contextlib copy csv ctypes dataclasses datetime decimal difflib enum errno functools gc getpass glob gzip hashlib heapq hmac html http importlib inspect io ipaddress itertools json logging lzma math mimetypes multiprocessing numbers operator os pathlib pickle platform pprint queue random re secrets select shutil signal socket sqlite3 ssl stat statistics string struct subprocess sys tarfile tempfile textwrap threading time timeit traceback types typing unicodedata unittest urllib uuid warnings weakref xml zipfile zlib __future__'.split(
    ' ',
  ),
);

export interface PipRequirements {
  /** requirements.txt lines, sorted and de-duplicated; empty when the bento needs no Python. */
  lines: string[];
  /** Included `.py` files the inference read, relative to the project. */
  scanned: string[];
}

/** Declared packages, a requirements file, and distributions inferred from included `.py` files. */
export function collectPipRequirements(bentofile: ResolvedBentofile, bag: DiagnosticBag): PipRequirements {
  const lines = new Set(bentofile.env.pip.packages);
  const { requirementsTxt, span } = bentofile.env.pip;
  if (requirementsTxt) {
    if (!existsSync(requirementsTxt) || !statSync(requirementsTxt).isFile()) {
      bag.report('pip_requirements_missing', span, requirementsTxt);
    } else {
      readFileSync(requirementsTxt, 'utf8').split(/\r?\n/).forEach((line, n) => {
        const clean = line.replace(/(^|\s)#.*/, '').trim();
        if (!clean) return;
        const parsed = parsePep508(clean);
        if (parsed.ok) lines.add(clean);
        else {
          const column = line.indexOf(clean) + 1 + parsed.offset;
          bag.report('pip_requirement_invalid', { file: requirementsTxt, start: { line: n + 1, column } }, clean, parsed.reason);
        }
      });
    }
  }
  const scanned = bentofile.env.pip.infer ? findIncludedPython(bentofile) : [];
  const declaredNames = new Set([...lines].map((l) => l.split(/[<>=!~\[; ]/)[0]!.toLowerCase()));
  for (const file of scanned) {
    for (const module of readTopLevelImports(readFileSync(file, 'utf8'))) {
      if (stdlib.has(module)) continue;
      const distribution = distributionOf[module] ?? module;
      if (!declaredNames.has(distribution.toLowerCase())) {
        lines.add(distribution);
        declaredNames.add(distribution.toLowerCase());
      }
    }
  }
  return {
    lines: [...lines].sort((a, b) => a.localeCompare(b)),
    scanned: scanned.map((f) => relative(bentofile.projectDir, f)),
  };
}

function findIncludedPython(bentofile: ResolvedBentofile): string[] {
  if (bentofile.include.length === 0) return [];
  return globSync(bentofile.include, {
    cwd: bentofile.projectDir,
    ignore: ['node_modules/**', ...bentofile.exclude],
    absolute: true,
  })
    .filter((f) => f.endsWith('.py'))
    .sort();
}

/** `import a.b, c` and `from d.e import f` → a, c, d; relative imports are the project's own. */
export function readTopLevelImports(source: string): string[] {
  const modules = new Set<string>();
  for (const line of source.split(/\r?\n/)) {
    const fromMatch = /^\s*from\s+([A-Za-z_][\w.]*)\s+import\b/.exec(line);
    if (fromMatch) modules.add(fromMatch[1]!.split('.')[0]!);
    const importMatch = /^\s*import\s+(.+)$/.exec(line);
    if (importMatch) {
      for (const part of importMatch[1]!.replace(/#.*/, '').split(',')) {
        const name = part.trim().split(/\s+/)[0]?.split('.')[0];
        if (name && /^[A-Za-z_]\w*$/.test(name)) modules.add(name);
      }
    }
  }
  return [...modules];
}
