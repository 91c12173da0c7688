import { useEffect, useState, type RefObject } from "react";

type Callback = () => void;
const waiting = new Map<Element, Callback>();
let observer: IntersectionObserver | null = null;

function shared(): IntersectionObserver {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        waiting.get(entry.target)?.();
        waiting.delete(entry.target);
        observer?.unobserve(entry.target);
      }
    },
    { rootMargin: "200px 0px" },
  );
  return observer;
}

/** True once the element has come near the viewport (one observer for all rows of a table). */
export function useSeenOnce(ref: RefObject<Element | null>): boolean {
  const [seen, setSeen] = useState(typeof IntersectionObserver === "undefined");
  useEffect(() => {
    const element = ref.current;
    if (seen || !element) return;
    waiting.set(element, () => setSeen(true));
    shared().observe(element);
    return () => {
      waiting.delete(element);
      observer?.unobserve(element);
    };
  }, [ref, seen]);
  return seen;
}
