/**
 * Where the producing commands put what they make, independent of any one command: the sample sink
 * they write through, the dead letters it takes for what cannot be a sample, and the terminal's
 * progress line. The commands (top package) and the importer and simulator (their packages) use
 * these; these use none of them, so the packages form no cycle.
 */
package io.fhirflow.cli.output;
