import { DownloadOutlined } from "@ant-design/icons";
import { App, Button, Tabs, Typography } from "antd";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { problemText } from "../../components/QueryState";
import { useMessages } from "../../i18n";
import { dayjs } from "../../lib/format";
import { useDealer } from "../../session";
import { downloadCsv } from "../../lib/download";
import { ImportsTab } from "./ImportsTab";
import { catalogMessages } from "./messages";
import { PartsTab } from "./PartsTab";
import { SynonymsTab } from "./SynonymsTab";
import { VehicleAliasesTab } from "./VehicleAliasesTab";

const TABS = ["parts", "imports", "synonyms", "aliases"] as const;
type Tab = (typeof TABS)[number];

/** Everyone may export the catalog (`GET /v1/catalog/export`). */
function ExportButton() {
  const m = useMessages(catalogMessages);
  const { message } = App.useApp();
  const { timeZone } = useDealer();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      await downloadCsv("/v1/catalog/export", `catalog-${dayjs().tz(timeZone).format("YYYYMMDD")}.csv`);
    } catch (error) {
      message.error(problemText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button icon={<DownloadOutlined />} loading={busy} onClick={run} data-testid="catalog-export">
      {m.export}
    </Button>
  );
}

export default function CatalogPage() {
  const m = useMessages(catalogMessages);
  const [params, setParams] = useSearchParams();
  const requested = params.get("tab");
  const tab: Tab = TABS.find((t) => t === requested) ?? "parts";
  const labels: Record<Tab, string> = {
    parts: m.tabParts,
    imports: m.tabImports,
    synonyms: m.tabSynonyms,
    aliases: m.tabAliases,
  };
  const content: Record<Tab, () => React.ReactNode> = {
    parts: () => <PartsTab />,
    imports: () => <ImportsTab />,
    synonyms: () => <SynonymsTab />,
    aliases: () => <VehicleAliasesTab />,
  };
  return (
    <>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {m.title}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === "parts" ? {} : { tab: key })}
        tabBarExtraContent={<ExportButton />}
        destroyOnHidden
        items={TABS.map((key) => ({
          key,
          label: <span data-testid={`catalog-tab-${key}`}>{labels[key]}</span>,
          children: content[key](),
        }))}
      />
    </>
  );
}
