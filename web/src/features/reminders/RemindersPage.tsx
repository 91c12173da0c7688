import { ThunderboltOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Flex, Tabs, Typography } from "antd";
import { useSearchParams } from "react-router";
import { api, unwrap } from "../../api/client";
import { problemText } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { usePermissions } from "../../session";
import { AllReminders } from "./AllReminders";
import { CallList } from "./CallList";
import { Hint } from "./cells";
import { remindersMessages } from "./messages";

type Tab = "call" | "all";

/**
 * `/reminders`: today's call list grouped by customer and every reminder with its conversion;
 * staff who may act on reminders can also run the scheduler now and see what it did.
 */
export default function RemindersPage() {
  const m = useMessages(remindersMessages);
  const { canSell } = usePermissions();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get("tab") === "all" ? "all" : "call";

  const run = useMutation({
    mutationFn: () => unwrap(api.POST("/v1/reminders/run")),
    onError: (error) => message.error(fill(m.runFailed, { reason: problemText(error) })),
    onSettled: () => client.invalidateQueries({ queryKey: ["reminders"] }),
  });

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" wrap gap={12}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          <Hint label={m.title} text={m.rules} />
        </Typography.Title>
        {canSell ? (
          <Button icon={<ThunderboltOutlined />} loading={run.isPending} onClick={() => run.mutate()} data-testid="reminders-run">
            {m.run}
          </Button>
        ) : null}
      </Flex>
      {run.data ? (
        <Alert
          type="success"
          showIcon
          closable={{ onClose: () => run.reset() }}
          title={m.runTitle}
          description={
            <span>
              {fill(m.runReport, { raised: run.data.raised, reopened: run.data.reopened, converted: run.data.converted })}{" "}
              {run.data.proactive_quotes.sent + run.data.proactive_quotes.drafted_for_review + run.data.proactive_quotes.held_back > 0
                ? fill(m.runProactive, {
                    sent: run.data.proactive_quotes.sent,
                    review: run.data.proactive_quotes.drafted_for_review,
                    held: run.data.proactive_quotes.held_back,
                  }) + " "
                : null}
              <Hint label="" text={[m.fieldRaised, m.fieldReopened, m.fieldConverted].join(" ")} />
            </span>
          }
          data-testid="reminders-run-report"
        />
      ) : null}
      <Tabs
        activeKey={tab}
        destroyOnHidden
        onChange={(key) => setParams(key === "all" ? { tab: "all" } : {}, { replace: true })}
        items={[
          { key: "call", label: <span data-testid="reminders-tab-call">{m.tabCall}</span>, children: <CallList /> },
          { key: "all", label: <span data-testid="reminders-tab-all">{m.tabAll}</span>, children: <AllReminders /> },
        ]}
      />
    </Flex>
  );
}
