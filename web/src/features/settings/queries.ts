import { api, unwrap, type Schemas } from "../../api/client";
import { fetchAll } from "../catalog/lists";

export type Settings = Schemas["SettingsResponse"];
export type SettingsPatch = Schemas["UpdateSettingsRequest"];

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
