import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api/client";

/** The one query cache: the screens read it, and start-up fills the first screen's data early. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Live events invalidate what changed; this only bounds staleness if a stream is down.
      staleTime: 30_000,
      refetchOnWindowFocus: true,
      retry: (failures, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
    },
  },
});
