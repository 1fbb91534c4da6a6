import { html, type SafeHtml } from '../../html/html.ts';
import { layout } from '../../html/layout.ts';
import {
  HTTP_METHODS,
  type OpenApiDocument,
  type OpenApiMedia,
  type OpenApiOperation,
} from './openapi-document.ts';
import { BEARER, CLIENT_BASIC, OAUTH } from './route-docs.ts';

type Schema = Record<string, unknown>;

/** Inline `code` spans of the document's (CommonMark) texts; everything else is plain text. */
function inline(text: string): SafeHtml {
  return html`${text.split('`').map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part))}`;
}

/**
 * The small part of CommonMark the document's descriptions use: `## ` headings, fenced code,
 * `- ` and `1. ` lists, paragraphs, inline code. Escaped like every other value.
 */
function prose(text: string): SafeHtml {
  const blocks: SafeHtml[] = [];
  const lines = text.split('\n');
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length === 0) return;
    const items = paragraph;
    paragraph = [];
    if (items.every((l) => l.startsWith('- '))) {
      blocks.push(html`<ul>${items.map((l) => html`<li>${inline(l.slice(2))}</li>`)}</ul>`);
    } else if (items.every((l) => /^\d+\. /.test(l))) {
      blocks.push(html`<ol>${items.map((l) => html`<li>${inline(l.replace(/^\d+\. /, ''))}</li>`)}</ol>`);
    } else if (items.length === 1 && items[0]!.startsWith('## ')) {
      blocks.push(html`<h2>${inline(items[0]!.slice(3))}</h2>`);
    } else {
      blocks.push(html`<p>${inline(items.join(' '))}</p>`);
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('```')) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) code.push(lines[i]!);
      blocks.push(html`<pre>${code.join('\n')}</pre>`);
    } else if (line.trim() === '') {
      flush();
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return html`${blocks}`;
}

/** A short type description: `string (uuid)`, `"OPEN" | "CLOSED"`, `array of string`, `1–1000`. */
function typeOf(schema: Schema | undefined): string {
  if (!schema) return '';
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).map(typeOf).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : String(schema.type ?? 'any');
  if (type === 'array') return `array of ${typeOf(schema.items as Schema)}`;
  const details = [
    typeof schema.format === 'string' ? schema.format : undefined,
    schema.minimum !== undefined && schema.maximum !== undefined
      ? `${schema.minimum}–${schema.maximum}`
      : undefined,
    schema.default !== undefined ? `default ${JSON.stringify(schema.default)}` : undefined,
  ].filter((d) => d !== undefined);
  return details.length > 0 ? `${type} (${details.join(', ')})` : type;
}

function fieldTable(
  rows: { name: string; where?: string; required: boolean; schema?: Schema; description?: string }[],
) {
  return html`<div class="table-scroll"><table class="fields">
<thead><tr><th>Name</th><th>Type</th><th>Required</th><th>Description</th></tr></thead>
<tbody>${rows.map(
    (r) =>
      html`<tr><td><code>${r.name}</code>${r.where ? html` <span class="muted">(${r.where})</span>` : ''}</td><td>${typeOf(r.schema)}</td><td>${r.required ? 'yes' : 'no'}</td><td>${inline(r.description ?? String(r.schema?.description ?? ''))}</td></tr>`,
  )}</tbody>
</table></div>`;
}

function examplesOf(media: OpenApiMedia): { summary?: string; value: unknown }[] {
  if (media.examples) return Object.values(media.examples);
  if (media.example !== undefined) return [{ value: media.example }];
  return [];
}

function exampleBlocks(media: OpenApiMedia): SafeHtml {
  return html`${examplesOf(media).map(
    (e) =>
      html`${e.summary ? html`<p class="example-title">${e.summary}</p>` : ''}<pre>${
        typeof e.value === 'string' ? e.value : JSON.stringify(e.value, null, 2)
      }</pre>`,
  )}`;
}

function authentication(operation: OpenApiOperation): { who: SafeHtml; scopes?: SafeHtml } {
  const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
  if (schemes.includes(OAUTH) || schemes.includes(BEARER)) {
    const scopes = [
      ...new Set((operation.security ?? []).flatMap((requirement) => requirement[OAUTH] ?? [])),
    ];
    return {
      who: html`An access token: <code>Authorization: Bearer &lt;ACCESS_TOKEN&gt;</code>`,
      scopes: operation['x-scopes']
        ? inline(operation['x-scopes'])
        : scopes.length > 0
          ? inline(scopes.map((s) => `\`${s}\``).join(' or '))
          : html`None: any valid access token`,
    };
  }
  if (schemes.includes(CLIENT_BASIC)) {
    return {
      who: html`Your application: HTTP Basic with <code>client_id</code> and <code>client_secret</code>, or both as form parameters`,
    };
  }
  return { who: html`None` };
}

function operationSection(path: string, method: string, operation: OpenApiOperation): SafeHtml {
  const auth = authentication(operation);
  const parameters = operation.parameters ?? [];
  const body = operation.requestBody;
  return html`<section class="card operation" id="${operation.operationId ?? `${method}-${path}`}">
<h3><span class="method method-${method}">${method.toUpperCase()}</span> <code>${path}</code></h3>
<p class="summary">${inline(operation.summary ?? '')}</p>
${prose(operation.description ?? '')}
<dl class="facts">
<dt>Authentication</dt><dd>${auth.who}</dd>
${auth.scopes ? html`<dt>Scopes needed</dt><dd>${auth.scopes}</dd>` : ''}
</dl>
${
  parameters.length > 0
    ? html`<h4>Parameters</h4>${fieldTable(
        parameters.map((p) => ({
          name: p.name,
          where: p.in,
          required: p.required === true,
          schema: p.schema,
          description: p.description,
        })),
      )}`
    : ''
}
${
  body
    ? html`<h4>Request body</h4>${Object.entries(body.content).map(([type, media]) => {
        const schema = (media.schema ?? {}) as Schema;
        const properties = (schema.properties ?? {}) as Record<string, Schema>;
        const required = (schema.required ?? []) as string[];
        return html`<p><code>${type}</code>${schema.description ? html` — ${inline(String(schema.description))}` : ''}</p>
${fieldTable(Object.entries(properties).map(([name, s]) => ({ name, required: required.includes(name), schema: s })))}
${exampleBlocks(media)}`;
      })}`
    : ''
}
<h4>Responses</h4>
${Object.entries(operation.responses).map(
  ([status, response]) => html`<div class="response">
<p><span class="status">${status}</span> ${inline(response.description)}</p>
${
  response.headers
    ? html`<ul class="headers">${Object.entries(response.headers).map(
        ([name, header]) =>
          html`<li><code>${name}</code>${header.description ? html`: ${inline(header.description)}` : ''}</li>`,
      )}</ul>`
    : ''
}
${Object.entries(response.content ?? {}).map(
  ([type, media]) =>
    html`${type !== 'application/json' ? html`<p class="muted"><code>${type}</code></p>` : ''}${exampleBlocks(media)}`,
)}
</div>`,
)}
</section>`;
}

/**
 * The API reference page (`GET /docs`): the OpenAPI document, readable — its paths, and its
 * webhooks (OpenAPI 3.1), each shown as the POST ParqEx sends to your endpoint. No script, no inline
 * style.
 */
export function apiReferencePage(document: OpenApiDocument): string {
  const operationsOf = (
    items: Record<string, Record<string, OpenApiOperation>>,
    label: (key: string) => string,
  ) =>
    Object.entries(items).flatMap(([key, item]) =>
      HTTP_METHODS.flatMap((method) =>
        item[method] ? [{ path: label(key), method, operation: item[method] }] : [],
      ),
    );
  const operations = [
    ...operationsOf(document.paths, (path) => path),
    ...operationsOf(document.webhooks ?? {}, (name) => `your endpoint: ${name}`),
  ];
  const tags = document.tags ?? [];
  const groups = tags.map((tag) => ({
    tag,
    operations: operations.filter((o) => o.operation.tags?.includes(tag.name)),
  }));
  const baseUrl = document.servers?.[0]?.url ?? '';
  return layout(
    'API reference',
    html`<section class="card api-intro">
<h1>${document.info.title} reference</h1>
<p>Base URL: <code>${baseUrl}</code> · <a href="/openapi.json">OpenAPI ${document.openapi} document</a> (import it into Postman or Insomnia)</p>
${prose(document.info.description ?? '')}
<h2>Endpoints</h2>
${groups.map(
  (g) => html`<h3>${g.tag.name}</h3>
<ul class="toc">${g.operations.map(
    (o) =>
      html`<li><a href="#${o.operation.operationId ?? ''}"><span class="method method-${o.method}">${o.method.toUpperCase()}</span> <code>${o.path}</code></a> ${inline(o.operation.summary ?? '')}</li>`,
  )}</ul>`,
)}
</section>
${groups.map(
  (g) => html`<h2 class="tag">${g.tag.name}</h2>
${g.tag.description ? html`<p class="muted">${inline(g.tag.description)}</p>` : ''}
${g.operations.map((o) => operationSection(o.path, o.method, o.operation))}`,
)}`,
    { wide: true },
  );
}
