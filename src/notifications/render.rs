//! The messages' words, in Chinese or English as the channel is set: a title and a markdown body
//! that the robots render and e-mail carries as text.

use chrono::NaiveDate;

use super::MessageLanguage;

/// (title, body)
pub type Text = (String, String);

fn pick(language: MessageLanguage, zh: String, en: String) -> String {
    match language {
        MessageLanguage::Chinese => zh,
        MessageLanguage::English => en,
    }
}

pub fn test(language: MessageLanguage, channel: &str) -> Text {
    (
        pick(language, "partsdesk 测试消息".into(), "partsdesk test message".into()),
        pick(
            language,
            format!("**{channel}** 已接通：partsdesk 的通知会发到这里。"),
            format!("**{channel}** is connected: partsdesk notifications will arrive here."),
        ),
    )
}

/// One inquiry waiting for an answer.
pub struct Waiting {
    pub customer: String,
    pub lines: i32,
    pub minutes: i64,
    pub reference: Option<String>,
}

pub fn inquiry_waiting(language: MessageLanguage, target_minutes: i32, waiting: &[Waiting]) -> Text {
    let title = pick(
        language,
        format!("{} 条询价超过 {target_minutes} 分钟未报价", waiting.len()),
        format!("{} inquiries waiting over {target_minutes} minutes", waiting.len()),
    );
    let mut body = format!("### {title}\n");
    for w in waiting {
        let reference = w.reference.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
        body.push_str(&pick(
            language,
            format!(
                "- **{}**{reference}：{} 行，已等 {} 分钟\n",
                w.customer, w.lines, w.minutes
            ),
            format!(
                "- **{}**{reference}: {} lines, waiting {} min\n",
                w.customer, w.lines, w.minutes
            ),
        ));
    }
    (title, body)
}

/// One customer of the call list.
pub struct Call {
    pub customer: String,
    pub phone: Option<String>,
    pub parts: Vec<String>,
    pub value: String,
}

/// At most this many customers are listed; the rest are counted.
pub const CALLS_LISTED: usize = 10;

pub fn call_list(language: MessageLanguage, date: NaiveDate, calls: &[Call], held_back: usize) -> Text {
    let title = pick(
        language,
        format!("{date} 补货联系清单：{} 位客户", calls.len()),
        format!("Call list for {date}: {} customers", calls.len()),
    );
    let mut body = format!("### {title}\n");
    for c in calls.iter().take(CALLS_LISTED) {
        let phone = c.phone.as_deref().map(|p| format!(" {p}")).unwrap_or_default();
        body.push_str(&pick(
            language,
            format!(
                "- **{}**{phone}：{}，预估 ¥{}\n",
                c.customer,
                c.parts.join("、"),
                c.value
            ),
            format!(
                "- **{}**{phone}: {}, worth {}\n",
                c.customer,
                c.parts.join(", "),
                c.value
            ),
        ));
    }
    if calls.len() > CALLS_LISTED {
        body.push_str(&pick(
            language,
            format!("- 另有 {} 位客户，见控制台补货提醒\n", calls.len() - CALLS_LISTED),
            format!(
                "- {} more customers in the console's reminders\n",
                calls.len() - CALLS_LISTED
            ),
        ));
    }
    if held_back > 0 {
        body.push_str(&pick(
            language,
            format!("\n{held_back} 位客户本周已达联系上限，暂缓。\n"),
            format!("\n{held_back} customers reached the weekly contact limit and wait.\n"),
        ));
    }
    (title, body)
}

pub fn demand_spike(language: MessageLanguage, date: NaiveDate, asked: &str, shops: usize, lines: usize) -> Text {
    let title = pick(
        language,
        format!("缺货需求：{shops} 家门店询问 {asked}"),
        format!("Unmet demand: {shops} shops asked for {asked}"),
    );
    let body = pick(
        language,
        format!("### {title}\n{date} 共 {lines} 行询价问到 **{asked}**，没有可报的配件。考虑加入目录或备货。\n"),
        format!(
            "### {title}\nOn {date}, {lines} inquiry lines asked for **{asked}** and there was nothing to offer. Consider adding it to the catalog or stocking it.\n"
        ),
    );
    (title, body)
}

pub fn quote_accepted(language: MessageLanguage, customer: &str, total: &str, currency: &str, partial: bool) -> Text {
    let title = pick(
        language,
        format!("{customer} 接受了报价：{currency} {total}"),
        format!("{customer} accepted a quote: {currency} {total}"),
    );
    let body = pick(
        language,
        format!(
            "### {title}\n{}，订单已生成，请安排备货发货。\n",
            if partial { "部分接受" } else { "全部接受" }
        ),
        format!(
            "### {title}\n{}; the order is placed, get it picked and dispatched.\n",
            if partial {
                "Accepted in part"
            } else {
                "Accepted in full"
            }
        ),
    );
    (title, body)
}
