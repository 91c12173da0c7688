import { Button, Checkbox, Select, Space } from "antd";
import { lazy, Suspense, useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";
import { useMessages } from "../../i18n";
import { useStatusOptions } from "../quotes/status";
import { useCustomerDirectory } from "./customers";
import { filterParams, hasFilters, readFilters, type ListFilters } from "./filters";
import { inboxMessages } from "./messages";

const DateRange = lazy(() => import("./DateRange"));

/** The list's filters, read from and written to the URL's query string. */
export function useUrlFilters(): [ListFilters, (next: ListFilters) => void] {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  // Keyed on the text: a new URLSearchParams object every render still means the same filters.
  const filters = useMemo(() => readFilters(new URLSearchParams(key)), [key]);
  const setFilters = useCallback(
    (next: ListFilters) => setParams(filterParams(next), { replace: true }),
    [setParams],
  );
  return [filters, setFilters];
}

/** Status, customer and date filters (and "unread only" for the inbox), the same on every list. */
export function FilterBar({
  filters,
  onChange,
  withStatus = true,
  withUnread = false,
  testIdPrefix,
}: {
  filters: ListFilters;
  onChange: (next: ListFilters) => void;
  withStatus?: boolean;
  withUnread?: boolean;
  testIdPrefix: string;
}) {
  const m = useMessages(inboxMessages);
  const statusOptions = useStatusOptions();
  const customers = useCustomerDirectory();
  return (
    <Space wrap>
      {withStatus ? (
        <Select
          allowClear
          style={{ width: 140 }}
          placeholder={m.allStatuses}
          value={filters.status}
          options={statusOptions}
          onChange={(status) => onChange({ ...filters, status })}
          data-testid={`${testIdPrefix}-filter-status`}
        />
      ) : null}
      <Select
        allowClear
        showSearch={{ optionFilterProp: "label" }}
        style={{ width: 200 }}
        placeholder={m.allCustomers}
        loading={customers.loading}
        value={filters.customerId}
        options={customers.options}
        onChange={(customerId) => onChange({ ...filters, customerId })}
        data-testid={`${testIdPrefix}-filter-customer`}
      />
      <Suspense fallback={<span style={{ display: "inline-block", width: 240 }} />}>
        <DateRange
          from={filters.from}
          to={filters.to}
          onChange={(from, to) => onChange({ ...filters, from, to })}
          testId={`${testIdPrefix}-filter-dates`}
        />
      </Suspense>
      {withUnread ? (
        <Checkbox
          checked={filters.unread ?? false}
          onChange={(e) => onChange({ ...filters, unread: e.target.checked || undefined })}
          data-testid={`${testIdPrefix}-filter-unread`}
        >
          {m.unreadOnly}
        </Checkbox>
      ) : null}
      {hasFilters(filters) ? (
        <Button type="link" onClick={() => onChange({})} data-testid={`${testIdPrefix}-filter-reset`}>
          {m.reset}
        </Button>
      ) : null}
    </Space>
  );
}
