import { InfoCircleOutlined } from "@ant-design/icons";
import { Flex, Tabs, Tooltip, Typography } from "antd";
import { useSearchParams } from "react-router";
import { useMessages } from "../../i18n";
import { useDealer } from "../../session";
import { PeriodPicker, usePeriodChoice } from "../figures/PeriodPicker";
import { DemandTab } from "./DemandTab";
import { insightsMessages } from "./messages";
import { PricingTab } from "./PricingTab";
import { RestockTab } from "./RestockTab";

const TABS = ["demand", "pricing", "restock"] as const;
type Tab = (typeof TABS)[number];

/**
 * `/insights`: what the dealer's history says to do next: unmet demand, how the quotes fared on
 * price, and the restock forecast; the tab and the period live in the address.
 */
export default function InsightsPage() {
  const m = useMessages(insightsMessages);
  const { currency } = useDealer();
  const { choice, today, setChoice } = usePeriodChoice();
  const [params, setParams] = useSearchParams();
  const tab: Tab = TABS.find((t) => t === params.get("tab")) ?? "demand";
  const setTab = (next: string) => {
    const latest = new URLSearchParams(window.location.search);
    latest.set("tab", next);
    setParams(latest, { replace: true });
  };
  const definition = { demand: m.defDemand, pricing: m.defPricing, restock: m.defRestock }[tab];

  return (
    <Flex vertical gap={16}>
      <Flex vertical gap={8}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {m.title}{" "}
          <Tooltip title={definition} styles={{ root: { maxWidth: 520 } }}>
            <InfoCircleOutlined style={{ fontSize: 16 }} data-testid="insights-definition" />
          </Tooltip>
        </Typography.Title>
        {tab === "restock" ? null : <PeriodPicker choice={choice} today={today} onChange={setChoice} figures={false} />}
      </Flex>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        destroyOnHidden
        items={[
          { key: "demand", label: <span data-testid="insights-tab-demand">{m.tabDemand}</span>, children: <DemandTab period={choice.period} /> },
          {
            key: "pricing",
            label: <span data-testid="insights-tab-pricing">{m.tabPricing}</span>,
            children: <PricingTab period={choice.period} currency={currency} />,
          },
          { key: "restock", label: <span data-testid="insights-tab-restock">{m.tabRestock}</span>, children: <RestockTab /> },
        ]}
      />
    </Flex>
  );
}
