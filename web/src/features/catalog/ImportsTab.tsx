import { useQuery } from "@tanstack/react-query";
import { Space, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { HTMLAttributes } from "react";
import { Link, useNavigate } from "react-router";
import { api, unwrap } from "../../api/client";
import { QueryState } from "../../components/QueryState";
import { useLocale, useMessages } from "../../i18n";
import { formatDateTime, formatDuration } from "../../lib/format";
import { useDealer, usePermissions } from "../../session";
import { isFinished, uploadNote } from "./importProgress";
import { ImportStateTag, useModeLabel } from "./importState";
import { ImportUpload } from "./ImportUpload";
import { catalogMessages } from "./messages";
import type { ImportJob } from "./upload";

export function ImportsTab() {
  const m = useMessages(catalogMessages);
  const { locale } = useLocale();
  const { canAdmin } = usePermissions();
  const { timeZone } = useDealer();
  const navigate = useNavigate();
  const modeLabel = useModeLabel();
  const imports = useQuery({
    queryKey: ["imports", "list"],
    queryFn: () => unwrap(api.GET("/v1/catalog/imports")),
    // A running import's counts move every second; `import_finished` refreshes the end state.
    refetchInterval: (query) => (query.state.data?.items.some((job) => !isFinished(job)) ? 1000 : false),
  });

  const count = (n: number) => n.toLocaleString();
  const columns: ColumnsType<ImportJob> = [
    {
      title: m.startedAt,
      dataIndex: "created_at",
      width: 150,
      render: (at: string, job) => <Link to={`/catalog/imports/${job.id}`}>{formatDateTime(at, timeZone)}</Link>,
    },
    {
      title: m.file,
      key: "file",
      width: 200,
      ellipsis: true,
      render: (_, job) => uploadNote(job.id)?.fileName ?? <Typography.Text type="secondary">{job.format.toUpperCase()}</Typography.Text>,
    },
    { title: m.state, dataIndex: "state", width: 100, render: (state: string) => <ImportStateTag state={state} /> },
    { title: m.mode, dataIndex: "mode", width: 100, render: modeLabel },
    { title: m.rowsRead, dataIndex: "rows_read", width: 100, align: "right", render: count },
    { title: m.inserted, dataIndex: "inserted", width: 90, align: "right", render: count },
    { title: m.updated, dataIndex: "updated", width: 90, align: "right", render: count },
    { title: m.unchanged, dataIndex: "unchanged", width: 90, align: "right", render: count },
    {
      title: m.rejected,
      dataIndex: "rejected",
      width: 90,
      align: "right",
      render: (n: number) => <Typography.Text type={n > 0 ? "danger" : undefined}>{count(n)}</Typography.Text>,
    },
    { title: m.deactivated, dataIndex: "deactivated", width: 90, align: "right", render: count },
    {
      title: m.elapsed,
      dataIndex: "elapsed_ms",
      width: 90,
      render: (ms?: number | null) => (ms === null || ms === undefined ? "—" : formatDuration(ms / 1000, locale)),
    },
  ];

  return (
    <Space orientation="vertical" style={{ width: "100%" }} size={16}>
      {canAdmin && <ImportUpload />}
      <QueryState isPending={imports.isPending} error={imports.error} onRetry={() => imports.refetch()}>
        {() => (
          <Table<ImportJob>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={imports.data?.items}
            pagination={false}
            scroll={{ x: 1100 }}
            locale={{ emptyText: m.noImports }}
            title={() => <Typography.Text strong>{m.recentImports}</Typography.Text>}
            onRow={(job) =>
              ({
                "data-testid": `import-row-${job.id}`,
                onClick: () => navigate(`/catalog/imports/${job.id}`),
                style: { cursor: "pointer" },
              }) as HTMLAttributes<HTMLElement>
            }
          />
        )}
      </QueryState>
    </Space>
  );
}
