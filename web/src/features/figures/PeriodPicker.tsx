import { InfoCircleOutlined } from "@ant-design/icons";
import { DatePicker, Flex, Radio, Tooltip, Typography } from "antd";
import { useMemo } from "react";
import { useSearchParams } from "react-router";
import { fill, useMessages } from "../../i18n";
import { dayjs } from "../../lib/format";
import { useDealer } from "../../session";
import { DocText } from "./definitions";
import { figuresMessages } from "./messages";
import {
  allowedIntervals,
  daysBetween,
  INTERVALS,
  PERIOD_DAYS_MAX,
  periodDays,
  presetPeriod,
  PRESETS,
  previousPeriod,
  readChoice,
  todayIn,
  writeChoice,
  type Interval,
  type Period,
  type PeriodChoice,
  type Preset,
} from "./period";

/**
 * The period the figures pages show, kept in the address (`?preset=month&interval=week`) so a
 * link or a reload shows the same figures; "today" is the dealer's, not the browser's.
 */
export function usePeriodChoice() {
  const { timeZone } = useDealer();
  const [params, setParams] = useSearchParams();
  const today = todayIn(timeZone);
  const choice = useMemo(() => readChoice(params, today), [params, today]);
  return {
    choice,
    today,
    /** The query string of the choice, to carry it to another figures page. */
    search: writeChoice(choice).toString(),
    /**
     * Changes the choice as it is in the address now, not as it was at the last render: the
     * router applies a change a moment later, and two quick clicks must both count.
     */
    setChoice: (change: (current: PeriodChoice) => PeriodChoice) => {
      const latest = readChoice(new URLSearchParams(window.location.search), today);
      setParams(writeChoice(change(latest)), { replace: true });
    },
  };
}

function withInterval(preset: Preset, period: Period, wanted: Interval): PeriodChoice {
  const allowed = allowedIntervals(period);
  return { preset, period, interval: allowed.includes(wanted) ? wanted : allowed[0] };
}

const PRESET_LABEL = { week: "presetWeek", month: "presetMonth", last30: "presetLast30", custom: "presetCustom" } as const;
const INTERVAL_LABEL = { day: "intervalDay", week: "intervalWeek", month: "intervalMonth" } as const;

/** Presets (this week, this month, last 30 days), a custom range, and the series' interval. */
export function PeriodPicker({
  choice,
  today,
  onChange,
  figures = true,
}: {
  choice: PeriodChoice;
  today: string;
  onChange: (change: (current: PeriodChoice) => PeriodChoice) => void;
  /** With the series' interval and the figures' definitions (other pages pick a period only). */
  figures?: boolean;
}) {
  const m = useMessages(figuresMessages);
  const { timeZone } = useDealer();
  const { period, interval } = choice;
  const allowed = allowedIntervals(period);
  const previous = previousPeriod(period);

  return (
    <Flex vertical gap={6}>
      <Flex wrap gap={8} align="center">
        <Radio.Group
          value={choice.preset}
          optionType="button"
          onChange={(e) => {
            const preset = e.target.value as Preset;
            onChange((current) =>
              withInterval(preset, preset === "custom" ? current.period : presetPeriod(preset, today), current.interval),
            );
          }}
        >
          {PRESETS.map((preset) => (
            <Radio.Button key={preset} value={preset}>
              <span data-testid={`figures-period-${preset}`}>{m[PRESET_LABEL[preset]]}</span>
            </Radio.Button>
          ))}
        </Radio.Group>
        <DatePicker.RangePicker
          data-testid="figures-range"
          allowClear={false}
          value={[dayjs(period.from), dayjs(period.to)]}
          disabledDate={(day, info) => {
            const text = day.format("YYYY-MM-DD");
            if (text > today) return true;
            const from = info?.from?.format("YYYY-MM-DD");
            return !!from && Math.abs(daysBetween(from, text)) + 1 > PERIOD_DAYS_MAX;
          }}
          onChange={(picked) => {
            const [from, to] = picked ?? [];
            if (!from || !to) return;
            const custom = { from: from.format("YYYY-MM-DD"), to: to.format("YYYY-MM-DD") };
            onChange((current) => withInterval("custom", custom, current.interval));
          }}
          aria-label={m.rangeLimit}
        />
        {figures ? (
          <Radio.Group
            value={interval}
            optionType="button"
            onChange={(e) => {
              const wanted = e.target.value as Interval;
              onChange((current) => withInterval(current.preset, current.period, wanted));
            }}
          >
            {INTERVALS.map((option) => {
              const disabled = !allowed.includes(option);
              const button = (
                <Radio.Button key={option} value={option} disabled={disabled}>
                  <span data-testid={`figures-interval-${option}`}>{m[INTERVAL_LABEL[option]]}</span>
                </Radio.Button>
              );
              return disabled ? (
                <Tooltip key={option} title={m.intervalTooLong}>
                  <span>{button}</span>
                </Tooltip>
              ) : (
                button
              );
            })}
          </Radio.Group>
        ) : null}
      </Flex>
      <Typography.Text type="secondary" data-testid="figures-period">
        {fill(m.periodSummary, { from: period.from, to: period.to, days: periodDays(period), zone: timeZone })}
        {" · "}
        {fill(m.previousSummary, { from: previous.from, to: previous.to })}{" "}
        {figures ? (
          <Tooltip
            title={
              <div>
                <p style={{ margin: "2px 0" }}>{m.defIntro}</p>
                {(
                  [
                    "defQuoteRate",
                    "defPurchaseRate",
                    "defResponseTime",
                    "defAutoMatchRate",
                    "defOrderTimes",
                    "defOnTimeRate",
                    "defFillRate",
                    "defBackorderRate",
                    "defReturnRate",
                    "defReturnResolution",
                  ] as const
                ).map((key) => (
                  <p key={key} style={{ margin: "2px 0" }}>
                    • <DocText text={m[key]} />
                  </p>
                ))}
                <p style={{ margin: "6px 0 2px" }}>
                  <DocText text={m.defPeriod} />
                </p>
              </div>
            }
            styles={{ root: { maxWidth: 520 } }}
          >
            <Typography.Link tabIndex={0} data-testid="figures-definitions">
              <InfoCircleOutlined /> {m.howCounted}
            </Typography.Link>
          </Tooltip>
        ) : null}
      </Typography.Text>
    </Flex>
  );
}
