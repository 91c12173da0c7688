import { describe, expect, it } from "vitest";
import { channelRequest, channelValues, type Channel } from "./notificationForm";

const robot: Channel = {
  id: "chn_0193a1b2c3d4e5f60718293a4b5c6d7e",
  kind: "dingtalk",
  name: "钉钉群",
  enabled: true,
  events: ["inquiry_waiting"],
  url: "https://oapi.dingtalk.com/robot/send?access_token=***",
  has_secret: true,
  language: "zh-CN",
  quiet_hours: { start: 22, end: 8 },
  hourly_cap: 20,
  digest_hour: 8,
  accepted_value_min: "500.00",
  spike_shops: 3,
  created_at: "2026-12-07T02:00:00Z",
  updated_at: "2026-12-07T02:00:00Z",
};

describe("channelRequest", () => {
  it("keeps an existing robot's masked address and secret by leaving them out", () => {
    const request = channelRequest(channelValues(robot));
    expect(request.url).toBeUndefined();
    expect(request.secret).toBeUndefined();
    expect(request.quiet_hours).toEqual({ start: 22, end: 8 });
    expect(request.accepted_value_min).toBe("500.00");
    expect(request.smtp).toBeUndefined();
  });

  it("removes a robot's secret or an e-mail password only when asked", () => {
    expect(channelRequest({ ...channelValues(robot), remove_secret: true }).secret).toBe("");
    expect(channelRequest({ ...channelValues(robot), remove_secret: true, secret: "SEC2" }).secret).toBe("SEC2");
    const email = {
      ...channelValues(),
      kind: "email" as const,
      smtp_host: "smtp.exmail.qq.com",
      smtp_from: "noreply@shunda.cn",
      smtp_to: ["boss@shunda.cn"],
    };
    expect(channelRequest({ ...email, remove_smtp_password: true }).smtp?.password).toBe("");
    expect(channelRequest(email).smtp?.password).toBeNull();
  });

  it("sends a new address and secret, never a WeCom secret", () => {
    const values = { ...channelValues(robot), url: " https://oapi.dingtalk.com/robot/send?access_token=new ", secret: "SEC1" };
    expect(channelRequest(values)).toMatchObject({ url: "https://oapi.dingtalk.com/robot/send?access_token=new", secret: "SEC1" });
    expect(channelRequest({ ...values, kind: "wecom" }).secret).toBeUndefined();
  });

  it("sends an e-mail channel's server, and no quiet hours when one end is missing", () => {
    const values = {
      ...channelValues(),
      kind: "email" as const,
      smtp_host: "smtp.exmail.qq.com",
      smtp_from: "partsdesk <noreply@shunda.cn>",
      smtp_to: ["boss@shunda.cn", " "],
      smtp_password: "",
      quiet_start: 22,
      quiet_end: null,
    };
    const request = channelRequest(values);
    expect(request.smtp).toEqual({
      host: "smtp.exmail.qq.com",
      port: 465,
      security: "tls",
      username: null,
      password: null,
      from: "partsdesk <noreply@shunda.cn>",
      to: ["boss@shunda.cn"],
    });
    expect(request.url).toBeUndefined();
    expect(request.quiet_hours).toBeNull();
  });
});

describe("a console channel", () => {
  it("sends neither an address nor a server", () => {
    const request = channelRequest({ ...channelValues(), kind: "console", url: "https://x.cn", smtp_host: "smtp.x.cn" });
    expect(request.url).toBeUndefined();
    expect(request.smtp).toBeUndefined();
    expect(request.kind).toBe("console");
  });
});
