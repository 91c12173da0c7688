import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Flex, Typography } from "antd";
import { useMemo, useState } from "react";
import { QueryState } from "../../components/QueryState";
import { useMessages } from "../../i18n";
import type { ChartStyle } from "./chartOption";
import { CustomerTable } from "./CustomerTable";
import { ChartStyleSwitch, FigureCharts } from "./FigureCharts";
import { KpiCards } from "./KpiCards";
import { useLiveFigures } from "./live";
import { figuresMessages } from "./messages";
import { PeriodPicker, usePeriodChoice } from "./PeriodPicker";
import { previousPeriod } from "./period";
import { summaryQuery } from "./queries";
import { matchingPrevious, pointsFor } from "./series";

/** `/figures`: the dealer's figures for a period, against the previous one, and per customer. */
export default function FiguresPage() {
  const m = useMessages(figuresMessages);
  const { choice, today, search, setChoice } = usePeriodChoice();
  const [style, setStyle] = useState<ChartStyle>("line");
  useLiveFigures();

  const { period, interval } = choice;
  const current = useQuery({ ...summaryQuery(period, interval), placeholderData: keepPreviousData });
  const previous = useQuery({ ...summaryQuery(previousPeriod(period), interval), placeholderData: keepPreviousData });
  const points = useMemo(() => pointsFor(current.data, previous.data), [current.data, previous.data]);

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="flex-start" wrap gap={12}>
        <Flex vertical gap={8}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {m.title}
          </Typography.Title>
          <PeriodPicker choice={choice} today={today} onChange={setChoice} />
        </Flex>
        <ChartStyleSwitch value={style} onChange={setStyle} />
      </Flex>
      <QueryState isPending={current.isPending} error={current.error} onRetry={() => current.refetch()}>
        {() =>
          current.data ? (
            <Flex vertical gap={16}>
              <KpiCards
                current={current.data.totals}
                previous={matchingPrevious(current.data, previous.data)?.totals}
                currency={current.data.currency}
              />
              <FigureCharts points={points} interval={current.data.interval} style={style} />
              <CustomerTable period={period} currency={current.data.currency} search={search} />
            </Flex>
          ) : null
        }
      </QueryState>
    </Flex>
  );
}
