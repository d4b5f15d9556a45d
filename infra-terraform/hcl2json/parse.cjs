// Parses Terraform files with @cdktf/hcl2json for the Java checks in infra-terraform.
//
// Usage: node parse.cjs <file.tf>...
// Prints one JSON document: {"files":[{"path":..., "body":<hcl2json output>,
// "references":{"<expression>":["var.x", "aws_sqs_queue.dlq.arn", ...]}}]}.
// Every string of the body that holds an interpolation is listed under "references" with the
// references hcl2json finds in it (for-expression and lambda variables are already left out).
// A file that does not parse fails the whole run with its path and the parser's message.
'use strict';

const fs = require('fs');
const hcl = require('@cdktf/hcl2json');

function expressions(node, out) {
  if (typeof node === 'string') {
    if (node.includes('${') || node.includes('%{')) {
      out.add(node);
    }
  } else if (Array.isArray(node)) {
    node.forEach((n) => expressions(n, out));
  } else if (node && typeof node === 'object') {
    Object.entries(node).forEach(([k, v]) => {
      expressions(k, out);
      expressions(v, out);
    });
  }
}

// The interpolations "${...}" of a template string, each as its own expression. hcl2json's
// getReferencesInExpression re-reads a whole string as a quoted template, which fails when the
// literal text around the interpolations holds double quotes (monitoring filters do); the
// interpolations alone parse. Quoted strings inside an interpolation are skipped over, and so is
// the escape $${, which is literal text.
function interpolations(template) {
  const found = [];
  for (let start = template.indexOf('${'); start >= 0; start = template.indexOf('${', start + 2)) {
    if (start > 0 && template[start - 1] === '$') {
      continue; // $${ is an escaped, literal ${
    }
    let depth = 0;
    let quoted = false;
    for (let i = start + 1; i < template.length; i++) {
      const c = template[i];
      if (quoted) {
        if (c === '\\') {
          i++;
        } else if (c === '"') {
          quoted = false;
        }
      } else if (c === '"') {
        quoted = true;
      } else if (c === '{') {
        depth++;
      } else if (c === '}' && --depth === 0) {
        found.push(template.slice(start, i + 1));
        start = i;
        break;
      }
    }
  }
  return found;
}

async function referencesIn(path, expr) {
  try {
    return (await hcl.getReferencesInExpression(path, expr)).map((r) => r.value);
  } catch (e) {
    const refs = [];
    for (const part of interpolations(expr)) {
      refs.push(...(await hcl.getReferencesInExpression(path, part)).map((r) => r.value));
    }
    return refs;
  }
}

async function parseFile(path) {
  let body;
  try {
    body = await hcl.parse(path, fs.readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: ${e.message || e}`);
  }
  const found = new Set();
  expressions(body, found);
  const references = {};
  for (const expr of found) {
    references[expr] = await referencesIn(path, expr);
  }
  return { path, body, references };
}

(async () => {
  const files = [];
  for (const path of process.argv.slice(2)) {
    files.push(await parseFile(path));
  }
  process.stdout.write(JSON.stringify({ files }));
})().catch((e) => {
  process.stderr.write(`${e.message || e}\n`);
  process.exit(1);
});
