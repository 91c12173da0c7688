import { api, unwrap, type Schemas } from "../../api/client";
import { fetchAll } from "../catalog/lists";

/**
 * `response_target_minutes` is being added to the settings (1-1440, default 15); until the
 * generated types carry it, it is typed here. The field is edited only when the server sends it.
 */
export type Settings = Schemas["SettingsResponse"] & { response_target_minutes?: number };
export type SettingsPatch = Schemas["UpdateSettingsRequest"] & { response_target_minutes?: number | null };

/** The dealer's settings, under the key the inbox reads its response target from. */
export const settingsQuery = {
  queryKey: ["settings"],
  queryFn: (): Promise<Settings> => unwrap(api.GET("/v1/settings")),
};

/** Every staff account (a dealer has few), for the staff list and for naming who did what. */
export const usersQuery = {
  queryKey: ["users"],
  queryFn: () => fetchAll((cursor) => unwrap(api.GET("/v1/users", { params: { query: { limit: 200, cursor } } }))),
};
