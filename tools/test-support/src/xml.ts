/**
 * A strict little XML reader for tests: enough to prove that an SVG is well-formed (one root,
 * balanced tags, quoted attributes, known entities, no raw '<' or '&' in text) and to query it.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

function checkText(text: string, where: number): string {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<') throw new Error(`raw '<' in text at ${where + i}`);
    if (text[i] === '&' && !ENTITY.test(text.slice(i))) throw new Error(`bad entity at ${where + i}`);
  }
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export function parseXml(source: string): XmlElement {
  let pos = 0;
  const skipProlog = /^\s*<\?xml[^?]*\?>/.exec(source);
  if (skipProlog) pos = skipProlog[0].length;
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  while (pos < source.length) {
    const lt = source.indexOf('<', pos);
    const text = source.slice(pos, lt < 0 ? source.length : lt);
    const top = stack[stack.length - 1]!;
    if (stack.length === 1 && text.trim() !== '') throw new Error(`text outside the root at ${pos}`);
    top.text += checkText(text, pos);
    if (lt < 0) break;
    pos = lt;
    if (source.startsWith('<!--', pos)) {
      const end = source.indexOf('-->', pos);
      if (end < 0) throw new Error('unterminated comment');
      pos = end + 3;
      continue;
    }
    if (source.startsWith('</', pos)) {
      const match = NAME.exec(source.slice(pos + 2));
      if (!match) throw new Error(`bad closing tag at ${pos}`);
      const close = source.indexOf('>', pos);
      if (stack.length <= 1 || top.name !== match[0]) throw new Error(`</${match[0]}> does not close <${top.name}> at ${pos}`);
      stack.pop();
      pos = close + 1;
      continue;
    }
    const match = NAME.exec(source.slice(pos + 1));
    if (!match) throw new Error(`bad tag at ${pos}`);
    const el: XmlElement = { name: match[0], attributes: {}, children: [], text: '' };
    pos += 1 + match[0].length;
    for (;;) {
      const ws = /^\s*/.exec(source.slice(pos))![0].length;
      pos += ws;
      if (source.startsWith('/>', pos)) {
        pos += 2;
        if (stack.length === 1 && root.children.length > 0) throw new Error('two root elements');
        top.children.push(el);
        break;
      }
      if (source[pos] === '>') {
        pos += 1;
        if (stack.length === 1 && root.children.length > 0) throw new Error('two root elements');
        top.children.push(el);
        stack.push(el);
        break;
      }
      if (ws === 0) throw new Error(`expected whitespace before attribute at ${pos}`);
      const attr = /^([A-Za-z_:][A-Za-z0-9_:.-]*)="([^"<]*)"/.exec(source.slice(pos));
      if (!attr) throw new Error(`bad attribute at ${pos}: ${source.slice(pos, pos + 30)}`);
      if (attr[1]! in el.attributes) throw new Error(`duplicate attribute ${attr[1]}`);
      el.attributes[attr[1]!] = checkText(attr[2]!, pos);
      pos += attr[0].length;
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1) throw new Error('expected exactly one root element');
  return root.children[0]!;
}

export function findAll(root: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (el: XmlElement) => {
    if (el.name === name) out.push(el);
    el.children.forEach(visit);
  };
  visit(root);
  return out;
}

/** All text content below an element, in document order. */
export function textContent(el: XmlElement): string {
  return el.text + el.children.map(textContent).join('');
}
