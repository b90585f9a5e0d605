// Evaluate FHIRPath with the engine LHC-Forms itself uses (npm fhirpath, a dependency of lforms).
// Reads [{"expression": ..., "resource": {...}}, ...] on standard input; prints the results.
import fs from 'node:fs';
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4/index.js';

const cases = JSON.parse(fs.readFileSync(0, 'utf8'));
const results = cases.map(({ expression, resource }) => fhirpath.evaluate(resource, expression, { resource }, r4));
process.stdout.write(JSON.stringify(results) + '\n');
