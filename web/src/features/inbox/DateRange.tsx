import { DatePicker } from "antd";
import { dayjs } from "../../lib/format";

/** The filters' date range (loaded after the list, as the picker is a large part of the code). */
export default function DateRange({
  from,
  to,
  onChange,
  testId,
}: {
  from?: string;
  to?: string;
  onChange: (from?: string, to?: string) => void;
  testId: string;
}) {
  return (
    <DatePicker.RangePicker
      value={from && to ? [dayjs(from), dayjs(to)] : null}
      onChange={(dates) => onChange(dates?.[0]?.format("YYYY-MM-DD"), dates?.[1]?.format("YYYY-MM-DD"))}
      data-testid={testId}
    />
  );
}
