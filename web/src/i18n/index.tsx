import { createContext, useContext, useMemo, useState, type ReactNode } from "react";

export type Locale = "zh-CN" | "en";

/**
 * Each screen keeps its strings in a `messages.ts` of its own: Chinese is the reference shape,
 * and the English table must have every key (the type checker enforces it).
 */
export function defineMessages<T extends Record<string, string>>(tables: { "zh-CN": T; en: NoInfer<T> }) {
  return tables;
}

export type Messages<T extends Record<string, string>> = ReturnType<typeof defineMessages<T>>;

const STORAGE_KEY = "partsdesk.locale";

function initialLocale(): Locale {
  const stored = typeof localStorage !== "undefined" ? localStorage.getItem(STORAGE_KEY) : null;
  return stored === "en" || stored === "zh-CN" ? stored : "zh-CN";
}

const LocaleContext = createContext<{ locale: Locale; setLocale: (l: Locale) => void }>({
  locale: "zh-CN",
  setLocale: () => {},
});

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const value = useMemo(
    () => ({
      locale,
      setLocale: (next: Locale) => {
        localStorage.setItem(STORAGE_KEY, next);
        document.documentElement.lang = next;
        setLocaleState(next);
      },
    }),
    [locale],
  );
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

export function useLocale() {
  return useContext(LocaleContext);
}

/** The current locale's table of one screen's messages. */
export function useMessages<T extends Record<string, string>>(tables: { "zh-CN": T; en: T }): T {
  const { locale } = useLocale();
  return tables[locale];
}

/** Fills `{name}` placeholders: `fill("{n} 行", { n: 3 })`. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in values ? String(values[key]) : whole,
  );
}
