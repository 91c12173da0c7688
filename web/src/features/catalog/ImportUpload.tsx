import { InboxOutlined, UploadOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Collapse, Flex, Form, Progress, Radio, Select, Space, Typography } from "antd";
import { useRef, useState, type DragEvent } from "react";
import { useNavigate } from "react-router";
import { ApiError } from "../../api/client";
import { problemText } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { rememberUpload } from "./importProgress";
import { catalogMessages } from "./messages";
import {
  estimateRows,
  importFormatOf,
  MAX_IMPORT_BYTES,
  uploadCatalog,
  type ImportEncoding,
  type ImportMode,
  type UploadProgress,
} from "./upload";

/** Bytes as KB / MB / GB with one decimal. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

interface Running {
  fileName: string;
  progress: UploadProgress;
  controller: AbortController;
}

/**
 * Choosing (or dropping) a file starts the upload with the mode and encoding chosen above it;
 * the bar shows the bytes sent, then the page follows the import job.
 */
export function ImportUpload() {
  const m = useMessages(catalogMessages);
  const { modal, message } = App.useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [mode, setMode] = useState<ImportMode>("upsert");
  const [encoding, setEncoding] = useState<ImportEncoding | "auto">("auto");
  const [running, setRunning] = useState<Running | null>(null);
  const [failure, setFailure] = useState<{ text: string; details: string[] } | null>(null);
  const [dragging, setDragging] = useState(false);

  const start = async (file: File) => {
    setFailure(null);
    const format = importFormatOf(file.name);
    if (format === "excel") return setFailure({ text: m.excelNotSupported, details: [] });
    if (format === null) return setFailure({ text: m.unknownFormat, details: [] });
    if (file.size > MAX_IMPORT_BYTES) return setFailure({ text: m.fileTooLarge, details: [] });
    if (mode === "replace") {
      const confirmed = await modal.confirm({
        title: m.replaceConfirmTitle,
        content: m.replaceConfirmBody,
        okText: m.replaceConfirmOk,
        okButtonProps: { danger: true },
      });
      if (!confirmed) return;
    }
    const controller = new AbortController();
    setRunning({ fileName: file.name, progress: { loaded: 0, total: file.size }, controller });
    const rows = estimateRows(file, format).catch(() => null);
    try {
      const job = await uploadCatalog(
        file,
        { format, mode, encoding: encoding === "auto" ? undefined : encoding },
        (progress) => setRunning((r) => (r ? { ...r, progress } : r)),
        controller.signal,
      );
      rememberUpload(job.id, { fileName: file.name, size: file.size, estimatedRows: await rows });
      client.invalidateQueries({ queryKey: ["imports"] });
      navigate(`/catalog/imports/${job.id}`);
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") {
        message.info(m.uploadCancelled);
      } else if (error instanceof ApiError && error.status === 401) {
        // The session ended: probing it again sends the person to the log-in page.
        client.invalidateQueries({ queryKey: ["session"] });
      } else {
        const details = error instanceof ApiError ? (error.problem.errors ?? []).map((e) => `${e.field}: ${e.message}`) : [];
        setFailure({ text: error instanceof ApiError && error.status === 0 ? m.networkError : problemText(error), details });
      }
    } finally {
      setRunning(null);
      if (input.current) input.current.value = "";
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file && !running) void start(file);
  };

  const percent = running ? Math.floor((running.progress.loaded / Math.max(1, running.progress.total)) * 100) : 0;

  return (
    <Card title={m.uploadTitle} size="small">
      <Form layout="inline" style={{ marginBottom: 12, rowGap: 8 }}>
        <Form.Item label={m.mode}>
          <Radio.Group
            value={mode}
            onChange={(e) => setMode(e.target.value)}
            disabled={Boolean(running)}
            options={[
              { value: "upsert", label: m.modeUpsert },
              { value: "replace", label: m.modeReplace },
            ]}
            data-testid="import-mode"
          />
        </Form.Item>
        <Form.Item label={m.encoding}>
          <Select
            style={{ width: 150 }}
            value={encoding}
            onChange={setEncoding}
            disabled={Boolean(running)}
            options={[
              { value: "auto", label: m.encodingAuto },
              { value: "utf-8", label: "UTF-8" },
              { value: "gbk", label: "GBK" },
              { value: "gb18030", label: "GB18030" },
            ]}
          />
        </Form.Item>
      </Form>
      {mode === "replace" && <Alert type="warning" showIcon title={m.replaceWarning} style={{ marginBottom: 12 }} />}
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        style={{
          border: `1px dashed ${dragging ? "#1f6feb" : "#d9d9d9"}`,
          borderRadius: 8,
          padding: 24,
          textAlign: "center",
          background: dragging ? "#f0f6ff" : "#fafafa",
        }}
      >
        {running ? (
          <Space orientation="vertical" style={{ width: "100%" }}>
            <Typography.Text>{fill(m.uploading, { name: running.fileName })}</Typography.Text>
            <Progress
              percent={percent}
              status="active"
              data-testid="import-upload-progress"
              format={() => `${formatBytes(running.progress.loaded)} / ${formatBytes(running.progress.total)}`}
            />
            {percent >= 100 && <Typography.Text type="secondary">{m.uploadProcessing}</Typography.Text>}
            <Button onClick={() => running.controller.abort()} data-testid="import-upload-cancel">
              {m.cancelUpload}
            </Button>
          </Space>
        ) : (
          <Space orientation="vertical">
            <InboxOutlined style={{ fontSize: 36, color: "#1f6feb" }} />
            <Typography.Text>{m.dropHint}</Typography.Text>
            <Button type="primary" icon={<UploadOutlined />} onClick={() => input.current?.click()} data-testid="import-choose">
              {m.chooseFile}
            </Button>
            <Typography.Text type="secondary">{m.formatHint}</Typography.Text>
          </Space>
        )}
        <input
          ref={input}
          type="file"
          accept=".csv,.txt,.ndjson,.jsonl,text/csv,application/x-ndjson"
          style={{ display: "none" }}
          data-testid="import-upload"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void start(file);
          }}
        />
      </div>
      {failure && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          title={failure.text}
          description={
            failure.details.length > 0 ? (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {failure.details.map((d) => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
            ) : undefined
          }
          closable={{ onClose: () => setFailure(null) }}
          data-testid="import-upload-error"
        />
      )}
      <Collapse
        ghost
        size="small"
        style={{ marginTop: 8 }}
        items={[
          {
            key: "columns",
            label: m.columnsHelpTitle,
            children: (
              <Flex vertical gap={4}>
                <Typography.Text>{m.columnsHelpRequired}</Typography.Text>
                <Typography.Text>{m.columnsHelpOptional}</Typography.Text>
                <Typography.Text>{m.columnsHelpNumbers}</Typography.Text>
                <Typography.Text>{m.columnsHelpFitment}</Typography.Text>
                <Typography.Text type="secondary">{m.columnsHelpRows}</Typography.Text>
              </Flex>
            ),
          },
        ]}
      />
    </Card>
  );
}
