/**
 * Every diagnostic a user can cause, by stable code. Codes never change meaning once released;
 * the table in compiler/diagnostics/README.md is checked against this catalog by a test.
 */
export const catalog = {
  // 1-load
  file_not_found: { severity: 'error', title: 'The bentofile does not exist' },
  yaml_syntax: { severity: 'error', title: 'The bentofile is not valid YAML' },
  yaml_duplicate_key: { severity: 'error', title: 'A key appears twice in one mapping' },
  // 2-validate
  unknown_key: { severity: 'error', title: 'A key the bentofile does not know' },
  missing_key: { severity: 'error', title: 'A required key is missing' },
  wrong_type: { severity: 'error', title: 'A value has the wrong type' },
  invalid_value: { severity: 'error', title: 'A value is outside what is allowed' },
  invalid_name: { severity: 'error', title: 'A service, artifact or API name is not allowed' },
  duplicate_name: { severity: 'error', title: 'Two artifacts or APIs share a name' },
  duplicate_route: { severity: 'error', title: 'Two APIs share a route' },
  path_outside_project: { severity: 'error', title: 'A path points outside the project folder' },
  batch_invalid: { severity: 'error', title: 'Batch settings are inconsistent' },
  api_without_target: { severity: 'error', title: 'An API has neither a model nor a handler' },
  deprecated_key: { severity: 'warning', title: 'A legacy key name is used' },
  // 3-analyze
  model_not_found: { severity: 'error', title: 'A model file or store model does not exist' },
  model_unreadable: { severity: 'error', title: 'A model file is not a readable ONNX model' },
  unknown_model: { severity: 'error', title: 'An API names an artifact that is not declared' },
  handler_not_found: { severity: 'error', title: 'A handler file does not exist' },
  handler_export_missing: { severity: 'error', title: 'A handler file does not export the named function' },
  handler_build_failed: { severity: 'error', title: 'A handler does not compile' },
  input_signature_mismatch: { severity: 'error', title: 'An API input does not fit its model' },
  labels_mismatch: { severity: 'error', title: 'Labels do not match the model output' },
  batch_axis_invalid: { severity: 'error', title: '`batch.axes` names a tensor or axis the model does not have' },
  unbatchable_model: { severity: 'error', title: 'Batching is on, but a model output has no batch axis' },
  npm_unresolved: { severity: 'warning', title: 'A handler import cannot be pinned to an installed version' },
  pip_requirements_missing: { severity: 'error', title: 'A requirements file does not exist' },
  pip_unmapped_import: { severity: 'warning', title: 'A Python import has no known distribution' },
  // store / CLI
  bento_not_found: { severity: 'error', title: 'No bento matches the tag' },
  bad_tag: { severity: 'error', title: 'A tag is not name[:version]' },
  bad_cli_input: { severity: 'error', title: 'A command-line value is not valid' },
  api_not_found: { severity: 'error', title: 'The bento has no API of that name' },
  archive_not_found: { severity: 'error', title: 'The archive file to import does not exist' },
  archive_invalid: { severity: 'error', title: 'The file is not a bento archive' },
  archive_unsafe_entry: { severity: 'error', title: 'An archive entry would land outside the bento' },
  model_checksum_mismatch: { severity: 'error', title: 'A model file does not match its sha256 in bento.yaml' },
  docker_unreachable: { severity: 'error', title: 'No Docker engine answers' },
  image_build_failed: { severity: 'error', title: 'The image build failed' },
  image_push_failed: { severity: 'error', title: 'The registry refused the image or could not be reached' },
} as const;

export type DiagnosticCode = keyof typeof catalog;
export type Severity = 'error' | 'warning';
