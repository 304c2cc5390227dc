// A DOM (jsdom) and a stand-in for the anywidget model, to render the panels in node.
import { JSDOM } from "jsdom";

export function installDom() {
  const dom = new JSDOM("<!DOCTYPE html><body></body>", { pretendToBeVisual: true });
  const { window } = dom;
  globalThis.window = window;
  globalThis.document = window.document;
  globalThis.getComputedStyle = window.getComputedStyle.bind(window);
  globalThis.MutationObserver = window.MutationObserver;
  globalThis.KeyboardEvent = window.KeyboardEvent;
  globalThis.MouseEvent = window.MouseEvent;
  globalThis.Node = window.Node;
  globalThis.Element = window.Element;
  globalThis.CSS = { escape: (s) => String(s).replace(/["\\]/g, "\\$&") };
  return window;
}

/** The model API anywidget gives render(): get/set/on/off/save_changes/send. */
export class FakeModel {
  constructor(state) {
    this.state = { ...state };
    this.handlers = new Map();
    this.sent = [];
    this.saves = 0;
  }

  get(key) { return this.state[key]; }

  set(key, value) {
    this.state[key] = value;
    this.emit(`change:${key}`);
  }

  save_changes() { this.saves += 1; }

  send(content) { this.sent.push(content); }

  on(event, fn) {
    if (!this.handlers.has(event)) this.handlers.set(event, []);
    this.handlers.get(event).push(fn);
  }

  off(event, fn) {
    this.handlers.set(event, (this.handlers.get(event) || []).filter((f) => f !== fn));
  }

  emit(event, ...args) {
    for (const fn of this.handlers.get(event) || []) fn(...args);
  }
}

export function key(target, k, extra = {}) {
  const event = new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true,
                                               ...extra });
  target.dispatchEvent(event);
  return event;
}
