/** Whether a key press belongs to a field being typed in, so screen shortcuts leave it alone. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (target as HTMLInputElement).type;
    return type !== "checkbox" && type !== "radio" && type !== "button";
  }
  return target.getAttribute("role") === "combobox";
}

/** Whether a dialog or drawer is open over the screen (its own keys come first). */
export function overlayOpen(): boolean {
  return Array.from(document.querySelectorAll<HTMLElement>(".ant-modal-wrap, .ant-drawer-content-wrapper")).some(
    (el) => getComputedStyle(el).display !== "none",
  );
}
