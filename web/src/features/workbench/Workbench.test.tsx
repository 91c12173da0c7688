import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App } from "antd";
import { MemoryRouter } from "react-router";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Schemas } from "../../api/client";
import { candidate, inquiry, inquiryLineId, lineId, partId } from "./fixtures";
import { Workbench } from "./Workbench";

beforeAll(() => {
  // What Ant Design asks of a browser and jsdom lacks: media queries, resize observers, and
  // computed styles of pseudo-elements (for the scrollbar's width).
  window.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  const computed = window.getComputedStyle.bind(window);
  window.getComputedStyle = (element: Element) => computed(element);
  window.matchMedia ??= ((query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  })) as typeof window.matchMedia;
});

afterEach(cleanup);

function hit(i: number, sku: string): Schemas["SearchHit"] {
  return {
    part: { id: partId(90 + i), sku, name: `目录配件 ${i}`, brand: "MANN-FILTER", price: "45.00", currency: "CNY", stock: 20, in_stock: true },
    score: 12,
    matched_on: { kind: "article", value: sku, precision: "exact" },
  };
}

/** Counts every key the clerk presses, and types character by character. */
function keyboard() {
  let count = 0;
  const target = () => (document.activeElement as HTMLElement | null) ?? document.body;
  return {
    get count() {
      return count;
    },
    press(key: string) {
      count += 1;
      fireEvent.keyDown(target(), { key });
    },
    type(text: string) {
      const input = target() as HTMLInputElement;
      expect(input.tagName).toBe("INPUT");
      for (let i = 1; i <= text.length; i += 1) {
        count += 1;
        fireEvent.change(input, { target: { value: text.slice(0, i) } });
      }
    },
  };
}

// Ant Design renders slowly in jsdom, and more so on a busy machine.
describe("the quote workbench from the keyboard", { timeout: 30_000 }, () => {
  it("answers a 10-line inquiry with two unmatched lines in 24 keystrokes", async () => {
    const data = inquiry(8, 2);
    const save = vi.fn(async () => data.quote);
    const send = vi.fn(async () => ({ ...data.quote, status: "sent" as const }));
    const searchCatalog = vi.fn(async (q: string) => [hit(1, q.toUpperCase()), hit(2, "OTHER")]);

    render(
      <MemoryRouter>
        <App>
          <Workbench
            inquiry={data}
            levelBasisPoints={1250}
            currency="CNY"
            timeZone="Asia/Shanghai"
            readOnly={false}
            save={save}
            send={send}
            searchCatalog={searchCatalog}
          />
        </App>
      </MemoryRouter>,
    );

    // The first line that needs a person is selected on open.
    expect(screen.getByTestId("workbench-line-8").dataset.active).toBe("true");
    const keys = keyboard();

    keys.press("/");
    expect(document.activeElement).toBe(screen.getByTestId("workbench-search-input"));
    keys.type("04465-02061");
    keys.press("Enter");
    await screen.findByText("04465-02061", { selector: ".wb-hit-sku" });
    keys.press("Enter");

    // Answered: on to the next unmatched line, whose search already has the keys.
    await waitFor(() => expect(screen.getByTestId("workbench-line-9").dataset.active).toBe("true"));
    expect(document.activeElement).toBe(screen.getByTestId("workbench-search-input"));
    keys.type("W71275");
    keys.press("Enter");
    await screen.findByText("W71275", { selector: ".wb-hit-sku" });
    keys.press("Enter");

    // 8 × 175.00 as drafted, plus two catalog parts at 45.00 less 12.5 % (39.38) × 2.
    expect(screen.getByTestId("workbench-total").textContent).toBe("¥1,557.52");

    keys.press("s");
    await screen.findByTestId("workbench-confirm-send");
    await act(async () => keys.press("Enter"));

    await waitFor(() => expect(send).toHaveBeenCalledTimes(1));
    expect(save).toHaveBeenCalledWith({
      lines: [
        { id: lineId(8), options: [{ part_id: partId(91), quantity: 2 }] },
        { id: lineId(9), options: [{ part_id: partId(91), quantity: 2 }] },
      ],
    });
    expect(searchCatalog).toHaveBeenCalledWith("04465-02061");
    expect(searchCatalog).toHaveBeenCalledWith("W71275");
    expect(keys.count).toBe(24);
  });

  it("picks candidates with 1-5, changes the price with e, and marks lines unavailable with u", async () => {
    const data = inquiry(2, 0);
    const save = vi.fn(async () => data.quote);
    render(
      <MemoryRouter>
        <App>
          <Workbench
            inquiry={data}
            levelBasisPoints={1250}
            currency="CNY"
            timeZone="Asia/Shanghai"
            readOnly={false}
            save={save}
            send={vi.fn()}
            searchCatalog={vi.fn(async () => [])}
          />
        </App>
      </MemoryRouter>,
    );
    const keys = keyboard();
    expect(screen.getByTestId("workbench-line-0").dataset.active).toBe("true");
    keys.press("2");
    expect(screen.getByTestId("workbench-proposal-0").textContent).toContain("ALT-0");
    keys.press("e");
    expect(document.activeElement).toBe(screen.getByTestId("workbench-price-input"));
    keys.type("12.345");
    keys.press("Enter");
    // Refused on the spot: at most two decimals.
    expect(screen.getByTestId("workbench-price-input").getAttribute("aria-invalid")).toBe("true");
    fireEvent.change(screen.getByTestId("workbench-price-input"), { target: { value: "80" } });
    keys.press("Enter");
    keys.press("ArrowDown");
    expect(screen.getByTestId("workbench-line-1").dataset.active).toBe("true");
    keys.press("u");
    expect(screen.getByTestId("workbench-line-1").dataset.status).toBe("unavailable");
    expect(screen.getByTestId("workbench-total").textContent).toBe("¥160.00");

    fireEvent.click(screen.getByTestId("workbench-save"));
    await waitFor(() => expect(save).toHaveBeenCalledTimes(1));
    expect(save).toHaveBeenCalledWith({
      lines: [
        {
          id: lineId(0),
          options: [
            { part_id: partId(2), quantity: 2, unit_price: "80.00" },
            { part_id: partId(1), quantity: 2, unit_price: "87.50" },
          ],
        },
        { id: lineId(1), unavailable: true },
      ],
    });
  });

  it("shows what staff taught the matcher and marks a candidate as the wrong part", async () => {
    const data = inquiry(1, 0);
    data.lines[0].candidates = [
      candidate(1, { confirmed_count: 2 }),
      candidate(2, { confidence: "low", demoted_reason: "returned as wrong_part on 2026-12-01" }),
      candidate(3, { confidence: "high", sku: "ALT-3" }),
    ];
    const markWrong = vi.fn(async () => {});
    render(
      <MemoryRouter>
        <App>
          <Workbench
            inquiry={data}
            levelBasisPoints={0}
            currency="CNY"
            timeZone="Asia/Shanghai"
            readOnly={false}
            save={vi.fn()}
            send={vi.fn()}
            searchCatalog={vi.fn()}
            markWrong={markWrong}
          />
        </App>
      </MemoryRouter>,
    );
    expect(screen.getByTestId(`workbench-confirmed-${partId(1)}`).textContent).toBe("人工确认 2 次");
    expect(screen.getByTestId(`workbench-demoted-${partId(2)}`).textContent).toBe("已标错配");
    // A part already marked wrong cannot be marked again; the others can.
    expect(screen.queryByTestId(`workbench-mark-wrong-${partId(2)}`)).toBeNull();
    fireEvent.click(screen.getByTestId(`workbench-mark-wrong-${partId(3)}`));
    // The confirmation's own button (the popover's, not the row's).
    const popover = await screen.findByRole("tooltip");
    fireEvent.click(within(popover).getByRole("button", { name: "标为错配" }));
    await waitFor(() => expect(markWrong).toHaveBeenCalledWith(inquiryLineId(0), partId(3)));
  });

  it("shows a viewer no way to change anything", () => {
    render(
      <MemoryRouter>
        <App>
          <Workbench
            inquiry={inquiry(1, 1)}
            levelBasisPoints={0}
            currency="CNY"
            timeZone="Asia/Shanghai"
            readOnly
            save={vi.fn()}
            send={vi.fn()}
            searchCatalog={vi.fn()}
          />
        </App>
      </MemoryRouter>,
    );
    expect(screen.queryByTestId("workbench-send")).toBeNull();
    expect(screen.queryByTestId("workbench-save")).toBeNull();
    expect(screen.queryByTestId("workbench-price-input")).toBeNull();
    expect(screen.queryByTestId("workbench-search-input")).toBeNull();
    expect(screen.queryByRole("button", { name: /选用|Use/ })).toBeNull();
    expect(screen.queryByRole("button", { name: /标为错配|Wrong part/ })).toBeNull();
  });
});
