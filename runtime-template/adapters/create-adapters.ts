/**
 * The adapter registry: `input.type` / `output.type` → factory. Adding a type (dataframe, image, file) means a new
 * file in this folder and one line in each table below; routes never change.
 */
import { Ajv } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import type { InputSpec, OutputSpec } from '../contract.js';
import { createDataframeInput } from './dataframe-input.js';
import { createFileInput } from './file-input.js';
import { createImageInput } from './image-input.js';
import { createJsonInput, type CompileSchema } from './json-input.js';
import { createJsonOutput } from './json-output.js';
import { createNdarrayInput } from './ndarray-input.js';
import { createNdarrayOutput } from './ndarray-output.js';
import { createTextInput } from './text-input.js';
import { createTextOutput } from './text-output.js';
import type { AdapterContext, InputAdapter, OutputAdapter } from './types.js';

interface RegistryContext extends AdapterContext {
  compileSchema: CompileSchema;
}

type InputFactories = {
  [K in InputSpec['type']]: (spec: Extract<InputSpec, { type: K }>, context: RegistryContext) => InputAdapter;
};
type OutputFactories = {
  [K in OutputSpec['type']]: (spec: Extract<OutputSpec, { type: K }>, context: RegistryContext) => OutputAdapter;
};

const INPUT_FACTORIES: InputFactories = {
  ndarray: (spec, context) => createNdarrayInput(spec, context),
  json: (spec, context) => createJsonInput(spec, context.compileSchema),
  text: () => createTextInput(),
  image: (spec) => createImageInput(spec),
  dataframe: (spec) => createDataframeInput(spec),
  file: () => createFileInput(),
};

const OUTPUT_FACTORIES: OutputFactories = {
  json: (spec) => createJsonOutput(spec),
  ndarray: () => createNdarrayOutput(),
  text: () => createTextOutput(),
};

export interface ApiAdapters {
  input: InputAdapter;
  output: OutputAdapter;
}

/** Returns a function building each API's adapters; the APIs share one ajv instance (schemas compile once, at start). */
export function createAdapterFactory(): (context: AdapterContext) => ApiAdapters {
  // strict off: user schemas often carry `example` or vendor keywords that ajv's strict mode rejects.
  const ajv = new Ajv({ strict: false, allErrors: false });
  const addFormats = (ajvFormats as unknown as { default: (ajv: Ajv) => void }).default;
  addFormats(ajv);
  const compileSchema: CompileSchema = (schema) => ajv.compile(schema);
  return (context) => {
    const registryContext: RegistryContext = { ...context, compileSchema };
    const { input, output } = context.api;
    const createInput = INPUT_FACTORIES[input.type] as (spec: InputSpec, context: RegistryContext) => InputAdapter;
    const createOutput = OUTPUT_FACTORIES[output.type] as (spec: OutputSpec, context: RegistryContext) => OutputAdapter;
    if (!createInput) throw new Error(`API "${context.api.name}": no input adapter for type "${input.type}"`);
    if (!createOutput) throw new Error(`API "${context.api.name}": no output adapter for type "${output.type}"`);
    return { input: createInput(input, registryContext), output: createOutput(output, registryContext) };
  };
}
