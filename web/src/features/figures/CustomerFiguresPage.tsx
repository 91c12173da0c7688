import { ArrowLeftOutlined } from "@ant-design/icons";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Flex, Space, Typography } from "antd";
import { useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { NotFound, QueryState } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { useDealer } from "../../session";
import type { ChartStyle } from "./chartOption";
import { ChartStyleSwitch, FigureCharts } from "./FigureCharts";
import { KpiCards } from "./KpiCards";
import { useLiveFigures } from "./live";
import { figuresMessages } from "./messages";
import { PeriodPicker, usePeriodChoice } from "./PeriodPicker";
import { previousPeriod } from "./period";
import { customerQuery } from "./queries";
import { pointsFor } from "./series";

const CUSTOMER_ID = /^cus_[0-9a-f]{32}$/;

function CustomerFigures({ id }: { id: string }) {
  const m = useMessages(figuresMessages);
  const { currency } = useDealer();
  const { choice, today, search, setChoice } = usePeriodChoice();
  const [style, setStyle] = useState<ChartStyle>("line");
  useLiveFigures();

  const { period, interval } = choice;
  const current = useQuery({ ...customerQuery(id, period, interval), placeholderData: keepPreviousData });
  // The API gives the previous period's totals; its series, for the ghost lines, is a second read.
  const previous = useQuery({
    ...customerQuery(id, previousPeriod(period), interval),
    placeholderData: keepPreviousData,
    enabled: current.isSuccess,
  });
  const points = useMemo(() => pointsFor(current.data, previous.data), [current.data, previous.data]);

  return (
    <QueryState isPending={current.isPending} error={current.error} onRetry={() => current.refetch()}>
      {() =>
        current.data ? (
          <Flex vertical gap={16}>
            <Flex justify="space-between" align="flex-start" wrap gap={12}>
              <Flex vertical gap={8}>
                <Space size="middle" wrap>
                  <Link to={`/figures?${search}`} data-testid="figures-back">
                    <ArrowLeftOutlined /> {m.backToFigures}
                  </Link>
                  <Link to={`/customers/${id}`} data-testid="figures-customer-profile">
                    {m.customerProfile}
                  </Link>
                </Space>
                <Typography.Title level={3} style={{ margin: 0 }} data-testid="figures-customer-name">
                  {fill(m.customerTitle, { name: current.data.customer.name })}
                </Typography.Title>
                <PeriodPicker choice={choice} today={today} onChange={setChoice} />
              </Flex>
              <ChartStyleSwitch value={style} onChange={setStyle} />
            </Flex>
            <KpiCards current={current.data.figures} previous={current.data.previous.figures} currency={currency} />
            <FigureCharts points={points} interval={current.data.interval} style={style} />
          </Flex>
        ) : null
      }
    </QueryState>
  );
}

/** `/figures/customers/:id`: one customer's figures and trend; another dealer's id is "not found". */
export default function CustomerFiguresPage() {
  const { id = "" } = useParams();
  // A malformed id could never name a customer: the same "not found" as another dealer's id.
  if (!CUSTOMER_ID.test(id)) return <NotFound />;
  return <CustomerFigures key={id} id={id} />;
}
