//! A seeded generator of dealer catalogs that look real: brand number formats, OE numbers
//! by maker, cross-references between brands, supersessions, Chinese and English names,
//! vehicle fitments.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub const BRANDS: &[&str] = &[
    "BOSCH",
    "MANN-FILTER",
    "MAHLE",
    "NGK",
    "BREMBO",
    "TRW",
    "FEBI",
    "DENSO",
    "VALEO",
    "SKF",
];

/// (category, Chinese name, English name)
pub const KINDS: &[(&str, &str, &str)] = &[
    ("刹车系统", "刹车片(前)", "Front brake pads"),
    ("刹车系统", "刹车片(后)", "Rear brake pads"),
    ("刹车系统", "刹车盘(前)", "Front brake disc"),
    ("滤清器", "机油滤清器", "Oil filter"),
    ("滤清器", "空气滤清器", "Air filter"),
    ("滤清器", "空调滤清器", "Cabin air filter"),
    ("滤清器", "汽油滤清器", "Fuel filter"),
    ("点火系统", "火花塞", "Spark plug"),
    ("点火系统", "点火线圈", "Ignition coil"),
    ("悬挂系统", "减震器(前)", "Front shock absorber"),
    ("悬挂系统", "下摆臂", "Control arm"),
    ("发动机", "水泵", "Water pump"),
    ("发动机", "正时皮带", "Timing belt"),
    ("发动机", "节温器", "Thermostat"),
    ("电气", "雨刮片", "Wiper blade"),
    ("电气", "发电机", "Alternator"),
    ("轴承", "轮毂轴承(前)", "Front wheel bearing"),
];

/// (make, model, first year, last year, engine)
pub const VEHICLES: &[(&str, &str, i32, i32, &str)] = &[
    ("TOYOTA", "COROLLA", 2003, 2008, "1ZZ-FE"),
    ("TOYOTA", "CAMRY", 2012, 2017, "2AR-FE"),
    ("VOLKSWAGEN", "SAGITAR", 2019, 2023, "EA211"),
    ("VOLKSWAGEN", "PASSAT", 2011, 2016, "EA888"),
    ("HONDA", "ACCORD", 2014, 2018, "K24W"),
    ("HONDA", "CIVIC", 2016, 2021, "L15B"),
    ("NISSAN", "SYLPHY", 2012, 2019, "HR16DE"),
    ("BMW", "3 SERIES", 2013, 2019, "N20"),
    ("BUICK", "LACROSSE", 2016, 2020, "LTG"),
    ("HYUNDAI", "ELANTRA", 2016, 2020, "G4FG"),
];

#[derive(Debug, Clone)]
pub struct GenPart {
    pub sku: String,
    pub brand: &'static str,
    pub category: &'static str,
    pub name: String,
    pub article: String,
    pub oe: String,
    pub cross: Option<String>,
    pub supersedes: Option<String>,
    pub vehicle: usize,
    pub price: String,
    pub stock: u32,
}

fn digits(rng: &mut StdRng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect()
}

/// The brand's own number in the brand's usual format; `i` keeps it unique.
fn article(brand: &str, i: usize, rng: &mut StdRng) -> String {
    let u = format!("{i:07}");
    match brand {
        "BOSCH" => format!("0 986 {} {}", &u[1..4], &u[4..7]),
        "MANN-FILTER" => format!("W {}/{}", &u[..4], &u[4..]),
        "MAHLE" => format!("OC {}{}", &u[..5], &u[5..]),
        "NGK" => format!("BKR{}E-{}", &u[..4], &u[4..]),
        "BREMBO" => format!("09.{}.{}", &u[..4], &u[4..]),
        "TRW" => format!("GDB{u}"),
        "FEBI" => u,
        "DENSO" => format!("DXE-{}{}", &u[..3], &u[3..]),
        "VALEO" => format!("5{}-{}", &u[..3], &u[3..]),
        _ => format!("6{}-2RS{}", &u[..3], digits(rng, 1) + &u[3..]),
    }
}

fn oe(make: &str, i: usize) -> String {
    let u = format!("{:08}", i * 7 + 13);
    match make {
        "TOYOTA" => format!("04465-{}", &u[3..]),
        "VOLKSWAGEN" => format!("06J {} {} Q", &u[2..5], &u[5..]),
        "HONDA" => format!("15400-{}-{}", &u[2..5], &u[5..]),
        "BMW" => format!("11 42 {} {}", &u[2..5], &u[5..]),
        _ => format!("{make}-{u}"),
    }
}

/// `n` parts; the same seed gives the same catalog.
pub fn catalog(n: usize, seed: u64) -> Vec<GenPart> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut parts: Vec<GenPart> = Vec::with_capacity(n);
    for i in 0..n {
        let brand = BRANDS[rng.random_range(0..BRANDS.len())];
        let (category, zh, en) = KINDS[rng.random_range(0..KINDS.len())];
        let vehicle = rng.random_range(0..VEHICLES.len());
        let article = article(brand, i, &mut rng);
        // About a third list an equivalent of another brand already generated.
        let cross = (i > 0 && rng.random_bool(0.3)).then(|| {
            let other = &parts[rng.random_range(0..i)];
            format!("{}:{}", other.brand, other.article)
        });
        let supersedes = rng.random_bool(0.05).then(|| format!("{} OLD", article));
        let cents = rng.random_range(500..200_000u32);
        parts.push(GenPart {
            sku: format!("{}-{i:07}", &brand[..3]),
            brand,
            category,
            name: format!("{zh} {en}"),
            article,
            oe: oe(VEHICLES[vehicle].0, i),
            cross,
            supersedes,
            vehicle,
            price: format!("{}.{:02}", cents / 100, cents % 100),
            stock: if rng.random_bool(0.2) {
                0
            } else {
                rng.random_range(1..200)
            },
        });
    }
    parts
}

/// The catalog as an import CSV.
pub fn write_csv(parts: &[GenPart], path: &std::path::Path) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record([
        "sku",
        "name",
        "brand",
        "category",
        "price",
        "stock",
        "article_number",
        "oe_numbers",
        "cross_numbers",
        "supersedes",
        "fitment",
    ])?;
    for p in parts {
        let (make, model, from, to, engine) = VEHICLES[p.vehicle];
        w.write_record([
            p.sku.as_str(),
            &p.name,
            p.brand,
            p.category,
            &p.price,
            &p.stock.to_string(),
            &p.article,
            &format!("{make}:{}", p.oe),
            p.cross.as_deref().unwrap_or_default(),
            p.supersedes.as_deref().unwrap_or_default(),
            &format!("{make}|{model}|{from}-{to}|{engine}"),
        ])?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_catalog() {
        let a = catalog(200, 7);
        let b = catalog(200, 7);
        assert_eq!(
            a.iter().map(|p| &p.article).collect::<Vec<_>>(),
            b.iter().map(|p| &p.article).collect::<Vec<_>>()
        );
        let mut articles: Vec<_> = a
            .iter()
            .map(|p| crate::catalog::numbers::normalize(&p.article))
            .collect();
        articles.sort();
        articles.dedup();
        assert_eq!(articles.len(), 200, "article numbers are unique");
    }
}
