import { ArrowLeftOutlined, DownloadOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Alert, App, Button, Card, Col, Descriptions, Flex, Progress, Row, Segmented, Space, Statistic, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import { api, unwrapJson, type Schemas } from "../../api/client";
import { problemText, QueryState } from "../../components/QueryState";
import { fill, useLocale, useMessages } from "../../i18n";
import { downloadCsv } from "../../lib/download";
import { formatDateTime, formatDuration } from "../../lib/format";
import { useDealer } from "../../session";
import { importFigures, isFinished, uploadNote } from "./importProgress";
import { ImportStateTag, useModeLabel } from "./importState";
import { formatBytes } from "./ImportUpload";
import { catalogMessages } from "./messages";
import type { ImportJob } from "./upload";

type RowIssue = Schemas["RowIssue"];

/** The API keeps the first 1,000 row problems of an import. */
const ISSUES_KEPT = 1000;

function IssuesTable({ job }: { job: ImportJob }) {
  const m = useMessages(catalogMessages);
  const [severity, setSeverity] = useState<"all" | "error" | "warning">("all");
  const issues = severity === "all" ? job.errors : job.errors.filter((issue) => issue.severity === severity);
  const errorCount = job.errors.filter((issue) => issue.severity === "error").length;

  const { message } = App.useApp();
  // The API writes the spreadsheet (`Accept: text/csv`), the same one an integrator gets.
  const download = () =>
    downloadCsv(`/v1/catalog/imports/${job.id}`, `import-${job.id}-issues.csv`).catch((error) =>
      message.error(problemText(error)),
    );

  const columns: ColumnsType<RowIssue> = [
    { title: m.issueLine, dataIndex: "line", width: 90, sorter: (a, b) => a.line - b.line },
    { title: m.issueColumn, dataIndex: "column", width: 140, render: (c?: string | null) => c ?? "—" },
    {
      title: m.issueSeverity,
      dataIndex: "severity",
      width: 90,
      render: (s: string) => (s === "error" ? <Tag color="red">{m.severityError}</Tag> : <Tag color="gold">{m.severityWarning}</Tag>),
    },
    { title: m.issueCode, dataIndex: "code", width: 160, render: (c: string) => <Typography.Text code>{c}</Typography.Text> },
    { title: m.issueMessage, dataIndex: "message" },
  ];

  return (
    <Card
      size="small"
      title={fill(m.issuesTitle, { n: job.errors.length.toLocaleString() })}
      extra={
        <Space>
          <Segmented
            value={severity}
            onChange={setSeverity}
            options={[
              { value: "all", label: m.all },
              { value: "error", label: m.severityError },
              { value: "warning", label: m.severityWarning },
            ]}
          />
          <Button icon={<DownloadOutlined />} onClick={download} disabled={job.errors.length === 0} data-testid="import-errors-csv">
            {m.downloadIssues}
          </Button>
        </Space>
      }
    >
      {(job.errors.length >= ISSUES_KEPT || job.rejected > errorCount) && (
        <Alert type="info" showIcon style={{ marginBottom: 8 }} title={fill(m.issuesTruncated, { n: ISSUES_KEPT.toLocaleString() })} />
      )}
      <Table<RowIssue>
        rowKey={(issue) => `${issue.line}-${issue.column ?? ""}-${issue.code}`}
        size="small"
        columns={columns}
        dataSource={issues}
        pagination={{ pageSize: 50, showSizeChanger: false, hideOnSinglePage: true }}
        locale={{ emptyText: m.noIssues }}
        data-testid="import-errors-table"
      />
    </Card>
  );
}

/** A count for a `Statistic`, with the bare number under a test id. */
const counted = (testId: string) => (value: number | string) => (
  <span data-testid={testId} data-value={value}>
    {Number(value).toLocaleString()}
  </span>
);

function JobView({ job }: { job: ImportJob }) {
  const m = useMessages(catalogMessages);
  const { locale } = useLocale();
  const { timeZone } = useDealer();
  const modeLabel = useModeLabel();
  const note = uploadNote(job.id);
  const figures = importFigures(job, note?.estimatedRows ?? null);
  const finished = isFinished(job);
  const count = (n: number) => n.toLocaleString();

  return (
    <Space orientation="vertical" style={{ width: "100%" }} size={16}>
      <Card size="small">
        <Flex vertical gap={12}>
          <Flex align="center" gap={12} wrap>
            <ImportStateTag state={job.state} testId="import-state" />
            {note && (
              <Typography.Text>
                {note.fileName} · {formatBytes(note.size)}
              </Typography.Text>
            )}
          </Flex>
          <Progress
            percent={figures.percent ?? 0}
            status={job.state === "failed" ? "exception" : finished ? "success" : "active"}
            format={figures.percent === null ? () => count(job.rows_read) : undefined}
            data-testid="import-progress"
            data-percent={figures.percent ?? ""}
          />
          <Row gutter={[16, 16]}>
            <Col xs={12} sm={8} md={4}>
              <Statistic title={m.rowsRead} value={job.rows_read} formatter={counted("import-rows-read")} />
            </Col>
            <Col xs={12} sm={8} md={4}>
              <Statistic
                title={m.written}
                value={figures.written}
                formatter={counted("import-rows-written")}
                styles={{ content: { color: "#389e0d" } }}
              />
            </Col>
            <Col xs={12} sm={8} md={4}>
              <Statistic title={m.unchanged} value={job.unchanged} formatter={counted("import-rows-unchanged")} />
            </Col>
            <Col xs={12} sm={8} md={4}>
              <Statistic
                title={m.rejected}
                value={job.rejected}
                formatter={counted("import-rows-rejected")}
                styles={{ content: job.rejected > 0 ? { color: "#cf1322" } : undefined }}
              />
            </Col>
            <Col xs={12} sm={8} md={4}>
              <Statistic
                title={m.rate}
                value={figures.rowsPerSecond === null ? "—" : fill(m.rowsPerSecond, { n: Math.round(figures.rowsPerSecond).toLocaleString() })}
              />
            </Col>
            <Col xs={12} sm={8} md={4}>
              <Statistic
                title={finished ? m.elapsed : m.eta}
                value={
                  finished
                    ? formatDuration((job.elapsed_ms ?? 0) / 1000, locale)
                    : figures.etaSeconds === null
                      ? "—"
                      : formatDuration(figures.etaSeconds, locale)
                }
                data-testid="import-eta"
              />
            </Col>
          </Row>
          {!finished && !note?.estimatedRows && <Typography.Text type="secondary">{m.noEstimate}</Typography.Text>}
          {job.failure && <Alert type="error" showIcon title={m.importFailed} description={job.failure} data-testid="import-failure" />}
        </Flex>
      </Card>
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, sm: 2, lg: 3 }}
        items={[
          { key: "format", label: m.format, children: job.format.toUpperCase() },
          { key: "mode", label: m.mode, children: modeLabel(job.mode) },
          { key: "encoding", label: m.encoding, children: job.encoding.toUpperCase() },
          { key: "inserted", label: m.inserted, children: count(job.inserted) },
          { key: "updated", label: m.updated, children: count(job.updated) },
          { key: "deactivated", label: m.deactivated, children: count(job.deactivated) },
          { key: "created", label: m.createdAt, children: formatDateTime(job.created_at, timeZone) },
          { key: "started", label: m.startedAt, children: formatDateTime(job.started_at, timeZone) },
          { key: "finished", label: m.finishedAt, children: formatDateTime(job.finished_at, timeZone) },
        ]}
      />
      <IssuesTable job={job} />
    </Space>
  );
}

export default function ImportPage() {
  const m = useMessages(catalogMessages);
  const { message } = App.useApp();
  const { id = "" } = useParams();
  const query = useQuery({
    // Under "imports", so the `import_finished` event refreshes it at once.
    queryKey: ["imports", id],
    queryFn: () => unwrapJson(api.GET("/v1/catalog/imports/{id}", { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data && !isFinished(q.state.data) ? 1000 : false),
  });
  const previous = useRef<string | undefined>(undefined);
  const state = query.data?.state;
  useEffect(() => {
    // Tell the person when a job they watched finishes; not when they open a finished one.
    if (previous.current && state && previous.current !== state && (state === "succeeded" || state === "failed")) {
      if (state === "succeeded") message.success(m.importDone);
      else message.error(m.importFailed);
    }
    previous.current = state;
  }, [state, m, message]);

  return (
    <Space orientation="vertical" style={{ width: "100%" }} size={12}>
      <Link to="/catalog?tab=imports">
        <ArrowLeftOutlined /> {m.backToImports}
      </Link>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {m.importTitle}
      </Typography.Title>
      <QueryState isPending={query.isPending} error={query.error} onRetry={() => query.refetch()}>
        {() => query.data && <JobView job={query.data} />}
      </QueryState>
    </Space>
  );
}
