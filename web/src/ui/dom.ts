/** Small DOM helpers shared by the panels. */

/** The element with this id; a missing one is a bug in index.html, reported by name. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html has no element #${id}`);
  return el as T;
}

/** Makes an element with attributes and children (strings become text). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

/** Shows a message in an error paragraph, or hides it with null. */
export function showError(el: HTMLElement, message: string | null): void {
  el.textContent = message ?? '';
  el.hidden = message === null;
}

/** Replaces a select's options; keeps `selected` when it is one of them. */
export function setOptions(select: HTMLSelectElement, values: readonly string[], selected?: string): void {
  select.replaceChildren(...values.map((v) => h('option', { value: v }, v)));
  if (selected !== undefined && values.includes(selected)) select.value = selected;
}

/** Resolves after the browser has had a chance to run other tasks (input, paint): long work split in pieces. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A link that downloads `data` as `name`; its object URL is released when `revoke` is called. */
export function downloadLink(
  name: string,
  data: BlobPart,
  type: string,
  label = name,
): { link: HTMLAnchorElement; revoke: () => void } {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = h('a', { href: url, download: name, class: 'download', 'data-file': name }, label);
  return { link, revoke: () => URL.revokeObjectURL(url) };
}
