/**
 * A small strict XML 1.0 parser for tests: elements, attributes, text, comments, the XML declaration and CDATA.
 * It throws on anything not well-formed — unclosed or mismatched tags, unquoted or duplicate attributes, a raw '<'
 * or '&' in text or attribute values, unknown entities, characters XML forbids, content after the root — which is
 * what a CI test reporter's parser would choke on.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function decodeEntities(raw: string, where: number): string {
  if (/<|&(?![a-zA-Z]+;|#[0-9]+;|#x[0-9a-fA-F]+;)/.test(raw)) throw new Error(`raw '<' or '&' near offset ${where}`);
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    const v = ENTITIES[e];
    if (v === undefined) throw new Error(`unknown entity &${e}; near offset ${where}`);
    return v;
  });
}

export function parseXml(text: string): XmlElement {
  if (FORBIDDEN.test(text)) throw new Error('the document holds a character XML 1.0 forbids');
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        if (end < 0) throw new Error('unterminated comment');
        i = end + 3;
      } else if (text.startsWith('<?', i) && !text.startsWith('<?xml ', i)) {
        const end = text.indexOf('?>', i);
        if (end < 0) throw new Error('unterminated processing instruction');
        i = end + 2;
      } else return;
    }
  };
  if (text.startsWith('<?xml ')) {
    const end = text.indexOf('?>');
    if (end < 0) throw new Error('unterminated XML declaration');
    if (!/^<\?xml version="1\.[0-9]"( encoding="[A-Za-z0-9._-]+")?( standalone="(yes|no)")?\s*\?>$/.test(text.slice(0, end + 2))) {
      throw new Error(`malformed XML declaration: ${text.slice(0, end + 2)}`);
    }
    i = end + 2;
  }
  skipMisc();

  const element = (): XmlElement => {
    if (text[i] !== '<') throw new Error(`expected '<' at offset ${i}`);
    i++;
    const name = NAME.exec(text.slice(i))?.[0];
    if (!name) throw new Error(`bad element name at offset ${i}`);
    i += name.length;
    const el: XmlElement = { name, attributes: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      skipSpace();
      if (text.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (text[i] === '>') {
        i++;
        break;
      }
      if (i === before) throw new Error(`expected whitespace before an attribute of <${name}> at offset ${i}`);
      const attr = NAME.exec(text.slice(i))?.[0];
      if (!attr) throw new Error(`bad attribute name in <${name}> at offset ${i}`);
      i += attr.length;
      skipSpace();
      if (text[i] !== '=') throw new Error(`attribute ${attr} of <${name}> has no '='`);
      i++;
      skipSpace();
      const quote = text[i];
      if (quote !== '"' && quote !== "'") throw new Error(`attribute ${attr} of <${name}> is not quoted`);
      const end = text.indexOf(quote, i + 1);
      if (end < 0) throw new Error(`attribute ${attr} of <${name}> is not closed`);
      if (attr in el.attributes) throw new Error(`attribute ${attr} repeated in <${name}>`);
      el.attributes[attr] = decodeEntities(text.slice(i + 1, end), i);
      i = end + 1;
    }
    for (;;) {
      const next = text.indexOf('<', i);
      if (next < 0) throw new Error(`<${name}> is never closed`);
      el.text += decodeEntities(text.slice(i, next), i);
      i = next;
      if (text.startsWith('</', i)) {
        i += 2;
        const closing = NAME.exec(text.slice(i))?.[0];
        if (closing !== name) throw new Error(`</${closing}> closes <${name}> at offset ${i}`);
        i += closing.length;
        skipSpace();
        if (text[i] !== '>') throw new Error(`malformed closing tag </${name}>`);
        i++;
        return el;
      }
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        if (end < 0) throw new Error('unterminated comment');
        i = end + 3;
      } else if (text.startsWith('<![CDATA[', i)) {
        const end = text.indexOf(']]>', i);
        if (end < 0) throw new Error('unterminated CDATA');
        el.text += text.slice(i + 9, end);
        i = end + 3;
      } else el.children.push(element());
    }
  };

  const root = element();
  skipMisc();
  if (i !== text.length) throw new Error(`content after the root element at offset ${i}`);
  return root;
}
