//! What the demo dealer's world is made of: the repair shops, the cars they fix, and the ways
//! their clerks write what they need (`卡罗拉 前刹车片 2套`, `机滤x4`, `0446500013*2`).

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use crate::bench::generator::GenPart;

/// Repair shops in and around Hangzhou.
pub const SHOP_NAMES: &[&str] = &[
    "老王汽修厂",
    "顺风汽车维修中心",
    "李记汽车修理厂",
    "鑫达汽车服务中心",
    "路路通汽修",
    "永兴汽车快修",
    "恒通汽车维修站",
    "金盾汽修厂",
    "途安汽车服务",
    "骏马汽修",
    "兴旺汽车修理厂",
    "车之家快修",
    "德诚汽车维修",
    "诚信汽修店",
    "宏达汽车修理厂",
    "安驰汽车服务",
    "西湖汽车维修中心",
    "阿强汽修",
    "新干线汽车服务",
    "好帮手汽车快修",
    "明辉汽修厂",
    "万通汽车养护",
    "福运汽车修理厂",
    "小陈汽车美容养护",
];

const CONTACTS: &[&str] = &[
    "王师傅",
    "刘经理",
    "李老板",
    "张师傅",
    "陈姐",
    "赵经理",
    "孙师傅",
    "周老板",
    "吴师傅",
    "郑经理",
    "何师傅",
    "黄老板",
];

const STREETS: &[&str] = &[
    "杭州市西湖区文三路",
    "杭州市拱墅区莫干山路",
    "杭州市滨江区江南大道",
    "杭州市萧山区市心中路",
    "杭州市余杭区文一西路",
    "杭州市上城区秋涛路",
    "杭州市临平区星光街",
];

/// Discounts off list price, in percent.
const PRICE_LEVELS: &[f64] = &[0.0, 5.0, 8.0, 10.0, 12.5, 15.0];

/// A shop to create: the `CreateCustomerRequest` fields.
pub struct ShopProfile {
    pub name: String,
    pub contact_name: String,
    pub phone: String,
    pub address: String,
    pub price_level: f64,
    pub notes: Option<&'static str>,
}

/// `n` shops; past the list, branches of the first ones (`老王汽修厂（二店）`).
pub fn shops(n: usize, rng: &mut StdRng) -> Vec<ShopProfile> {
    const BRANCHES: &[&str] = &["二店", "三店", "四店", "五店", "六店", "七店", "八店", "九店"];
    (0..n)
        .map(|i| {
            let base = SHOP_NAMES[i % SHOP_NAMES.len()];
            let name = match i / SHOP_NAMES.len() {
                0 => base.to_owned(),
                round => format!("{base}（{}）", BRANCHES[(round - 1) % BRANCHES.len()]),
            };
            let prefix = ["138", "139", "158", "159", "186", "187", "135", "137", "177"]
                .choose(rng)
                .copied()
                .unwrap_or("138");
            ShopProfile {
                name,
                contact_name: CONTACTS[i % CONTACTS.len()].to_owned(),
                phone: format!("{prefix}{:08}", rng.random_range(0..100_000_000u32)),
                address: format!(
                    "{}{}号",
                    STREETS.choose(rng).copied().unwrap_or(STREETS[0]),
                    rng.random_range(1..400)
                ),
                price_level: *PRICE_LEVELS.choose(rng).unwrap_or(&0.0),
                notes: match i % 5 {
                    0 => Some("月结客户，每月25号对账"),
                    2 => Some("只要原厂或一线品牌"),
                    _ => None,
                },
            }
        })
        .collect()
}

/// How shops name a generated vehicle: (make in Chinese, model in Chinese, WMI, VIN positions
/// 4-8 that the decoder reads as this model, or at least as this maker).
pub fn car(model: &str) -> (&'static str, &'static str, &'static str, &'static str) {
    match model {
        "COROLLA" => ("丰田", "卡罗拉", "LFM", "AP42E"),
        "CAMRY" => ("丰田", "凯美瑞", "LVG", "BF4FK"),
        "SAGITAR" => ("大众", "速腾", "LFV", "2A21K"),
        "PASSAT" => ("大众", "帕萨特", "LSV", "AA63C"),
        "ACCORD" => ("本田", "雅阁", "LHG", "CR285"),
        "CIVIC" => ("本田", "思域", "LVH", "FB465"),
        "SYLPHY" => ("日产", "轩逸", "LGB", "H52E0"),
        "3 SERIES" => ("宝马", "3系", "LBV", "8E3C0"),
        "LACROSSE" => ("别克", "君越", "LSG", "ZS53L"),
        "ELANTRA" => ("现代", "伊兰特", "LBE", "LM4AD"),
        _ => ("", "", "LFV", "2A21K"),
    }
}

/// A VIN for the model, built in year `year`, with a valid check digit.
pub fn vin(model: &str, year: i32, rng: &mut StdRng) -> String {
    const YEAR_CODES: &[u8] = b"ABCDEFGHJKLMNPRSTVWXY123456789";
    let (_, _, wmi, vds) = car(model);
    let year_code = YEAR_CODES[usize::try_from((year - 1980).rem_euclid(30)).unwrap_or(0)];
    let plant = b"ABCDEFGHJKLMNPRSTUVWXYZ"[rng.random_range(0..23)];
    let mut chars: Vec<u8> = format!("{wmi}{vds}0").into_bytes();
    chars.push(year_code);
    chars.push(plant);
    chars.extend(format!("{:06}", rng.random_range(0..1_000_000u32)).into_bytes());
    let value = |c: u8| -> u32 {
        match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A' | b'J' => 1,
            b'B' | b'K' | b'S' => 2,
            b'C' | b'L' | b'T' => 3,
            b'D' | b'M' | b'U' => 4,
            b'E' | b'N' | b'V' => 5,
            b'F' | b'W' => 6,
            b'G' | b'P' | b'X' => 7,
            b'H' | b'Y' => 8,
            b'R' | b'Z' => 9,
            _ => 0,
        }
    };
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let sum: u32 = chars.iter().zip(WEIGHTS).map(|(c, w)| value(*c) * w).sum();
    chars[8] = match sum % 11 {
        10 => b'X',
        n => b'0' + u8::try_from(n).unwrap_or(0),
    };
    String::from_utf8(chars).unwrap_or_default()
}

/// The kind of a generated part (its index in the generator's kinds), from its name.
pub fn kind_of(part: &GenPart) -> usize {
    crate::bench::generator::KINDS
        .iter()
        .position(|(_, zh, _)| part.name.starts_with(zh))
        .unwrap_or(0)
}

/// What shops call each kind (by the generator's kind index), and the unit they count it in.
fn trade_names(kind: usize) -> (&'static [&'static str], &'static str) {
    match kind {
        0 => (&["前刹车片", "前刹车皮", "刹车片 前"], "套"),
        1 => (&["后刹车片", "后刹车皮"], "套"),
        2 => (&["前刹车盘", "刹车盘 前"], "个"),
        3 => (&["机滤", "机油格", "机油滤芯", "机油滤清器"], "个"),
        4 => (&["空滤", "空气格", "空气滤芯"], "个"),
        5 => (&["空调滤", "空调格", "空调滤芯"], "个"),
        6 => (&["汽滤", "汽油格", "汽油滤清器"], "个"),
        7 => (&["火花塞", "火嘴"], "个"),
        8 => (&["点火线圈", "高压包"], "个"),
        9 => (&["前减震", "前减震器", "前避震"], "支"),
        10 => (&["下摆臂"], "个"),
        11 => (&["水泵"], "个"),
        12 => (&["正时皮带"], "条"),
        13 => (&["节温器"], "个"),
        14 => (&["雨刮片", "雨刮"], "对"),
        15 => (&["发电机"], "台"),
        _ => (&["前轮轴承", "轮毂轴承"], "个"),
    }
}

/// How many a shop asks for at once.
pub fn quantity(kind: usize, rng: &mut StdRng) -> i64 {
    match kind {
        0 | 1 | 14 => *[1, 1, 1, 2].choose(rng).unwrap_or(&1),
        2 | 9 => *[1, 2, 2].choose(rng).unwrap_or(&2),
        3..=6 => *[1, 2, 4, 5, 10].choose(rng).unwrap_or(&1),
        7 => *[4, 4, 4, 6, 8].choose(rng).unwrap_or(&4),
        8 => *[1, 1, 4].choose(rng).unwrap_or(&1),
        _ => 1,
    }
}

/// A quantity as shops write it: `x4`, `*2`, ` 2个`, `两套`, or nothing for one. After a
/// number it is set apart (`0986424735 x2`), or its digits would read as part of the number.
fn written_quantity(n: i64, unit: &str, after_number: bool, rng: &mut StdRng) -> String {
    if n == 1 && rng.random_bool(0.5) {
        return String::new();
    }
    match (rng.random_range(0..5), after_number) {
        (0, false) => format!("x{n}"),
        (0, true) => format!(" x{n}"),
        (1, _) => format!("*{n}"),
        (2, _) if n == 2 => format!(" 两{unit}"),
        (3, false) => format!("{n}{unit}"),
        _ => format!(" {n}{unit}"),
    }
}

/// A number in one of the ways it gets typed: as printed, without separators, lower case.
fn spelled(number: &str, rng: &mut StdRng) -> String {
    match rng.random_range(0..4) {
        0 => number.to_owned(),
        1 => number.chars().filter(char::is_ascii_alphanumeric).collect(),
        2 => number.to_lowercase(),
        _ => number.replace(['-', '.', '/'], " "),
    }
}

/// The OE number of a generated part, without its maker prefix.
fn oe_number(part: &GenPart) -> &str {
    part.oe.split_once(':').map_or(part.oe.as_str(), |(_, n)| n)
}

/// A line asking for `part` (an `InquiryLineRequest` as JSON); `car_words` is how the shop
/// names the car when it puts it in the line (`卡罗拉`); `structured` lines come from a shop
/// system, as fields.
pub fn line_for(part: &GenPart, car_words: Option<&str>, structured: bool, rng: &mut StdRng) -> serde_json::Value {
    let kind = kind_of(part);
    let (names, unit) = trade_names(kind);
    let n = quantity(kind, rng);
    if structured {
        // A shop system sends fields, not prose.
        return serde_json::json!({
            "text": "",
            "part_number": part.article,
            "brand": part.brand,
            "quantity": n,
        });
    }
    let q = |rng: &mut StdRng, after_number: bool| written_quantity(n, unit, after_number, rng);
    let text = match rng.random_range(0..100) {
        // The brand's own number, in some spelling.
        0..=29 => {
            let number = spelled(&part.article, rng);
            let q = q(rng, true);
            if rng.random_bool(0.25) {
                format!("{} {number}{q}", part.brand)
            } else {
                format!("{number}{q}")
            }
        }
        // The maker's (OE) number, sometimes with a label.
        30..=52 => {
            let number = spelled(oe_number(part), rng);
            let q = q(rng, true);
            match rng.random_range(0..4) {
                0 => format!("OE {number}{q}"),
                1 => format!("原厂号:{number}{q}"),
                _ => format!("{number}{q}"),
            }
        }
        // Another brand's equivalent number, where the part lists one.
        53..=59 if part.cross.is_some() => {
            let cross = part.cross.as_deref().unwrap_or_default();
            let number = cross.split_once(':').map_or(cross, |(_, n)| n);
            format!("{}{}", spelled(number, rng), q(rng, true))
        }
        // The trade name, with the car.
        _ => {
            let name = names.choose(rng).copied().unwrap_or(names[0]);
            let q = q(rng, false);
            match car_words {
                Some(car) if rng.random_bool(0.8) => format!("{car} {name}{q}"),
                _ => format!("{name}{q}"),
            }
        }
    };
    let mut line = serde_json::json!({ "text": text.trim() });
    if rng.random_bool(0.05) {
        line["note"] = serde_json::json!("急用，今天要");
    }
    line
}

/// A line for the favourite part a shop buys again and again: always its number.
pub fn favourite_line(part: &GenPart, quantity: i64, rng: &mut StdRng) -> serde_json::Value {
    let number = spelled(&part.article, rng);
    let text = match rng.random_range(0..3) {
        0 => format!("{number} x{quantity}"),
        1 => format!("{number}*{quantity}"),
        _ => format!("{} {number} {quantity}个", part.brand),
    };
    serde_json::json!({ "text": text })
}

/// Things shops ask a parts dealer for that this catalog does not carry.
pub const UNMATCHED: &[&str] = &[
    "玻璃水 2箱",
    "轮胎 205/55R16 4条",
    "全合成机油 5W-30 4L",
    "电瓶 60AH",
    "防冻液 红色 2桶",
    "左大灯总成",
    "后视镜片 右",
    "门把手 左前",
    "脚垫 一套",
    "香薰 车载",
];

/// Why a shop turns a quote down.
pub const REJECTIONS: &[&str] = &[
    "价格太高，别家便宜",
    "客户不修了",
    "已经在别家拿货了",
    "货期太长，等不了",
    "要原厂件，不要副厂",
    "车主自己买了配件",
    "报错车型了，重新询价",
];

/// Notes staff put on a quote.
pub const QUOTE_NOTES: &[&str] = &[
    "今天下午可送到",
    "含税价，月结",
    "刹车片建议和刹车盘一起换",
    "库存不多，请尽快确认",
    "已按老客户价格优惠",
];

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn vins_decode_to_the_car_with_a_valid_check_digit() {
        let mut rng = StdRng::seed_from_u64(1);
        for (_, model, from, _, _) in crate::bench::generator::VEHICLES {
            let vin = vin(model, *from, &mut rng);
            let decoded = crate::vehicles::decode(&vin, 2026).expect("a valid VIN");
            assert!(decoded.check_digit_valid, "{vin}");
            assert_eq!(decoded.model_year, Some(*from), "{vin}");
            assert!(decoded.make.is_some(), "{vin}");
        }
    }

    #[test]
    fn lines_carry_their_quantity() {
        let mut rng = StdRng::seed_from_u64(2);
        let parts = crate::bench::generator::catalog(50, 2);
        for part in &parts {
            let line = line_for(part, Some("卡罗拉"), false, &mut rng);
            let text = line["text"].as_str().expect("text");
            assert!(!text.is_empty());
            let quantity = crate::matching::line::parse(text).quantity.unwrap_or(1);
            assert!((1..=10).contains(&quantity), "{text}");
        }
    }
}
