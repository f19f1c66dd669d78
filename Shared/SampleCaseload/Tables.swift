// Invented names and the per-prefecture file-number prefixes of the sample caseload. Names are a surname and 某 or
// 某某 (like deploy/samples/households.csv), never a real-looking full name; employers are a place, 某 and a trade.

/// Fixed word lists of the sample caseload.
enum Tables {
    /// Per prefecture-level division (GB/T 2260): the file-number prefix and the short place name of employers.
    static let prefectures: [String: (prefix: String, place: String)] = [
        "530100": ("KM", "昆明"),
        "530300": ("QJ", "曲靖"),
        "530400": ("YX", "玉溪"),
        "530500": ("BS", "保山"),
        "530600": ("ZT", "昭通"),
        "530700": ("LJ", "丽江"),
        "530800": ("PE", "普洱"),
        "530900": ("LC", "临沧"),
        "532300": ("CX", "楚雄"),
        "532500": ("HH", "红河"),
        "532600": ("WS", "文山"),
        "532800": ("BN", "西双版纳"),
        "532900": ("DL", "大理"),
        "533100": ("DH", "德宏"),
        "533300": ("NJ", "怒江"),
        "533400": ("DQ", "迪庆"),
    ]
    /// Prefix and place for a prefecture missing from ``prefectures`` (another province's reference list).
    static let fallbackPrefecture = (prefix: "YN", place: "云南")

    /// Surnames, common ones and some frequent in Yunnan (段, 普, 字, 和, 刀, 岩).
    static let surnames: [String] = [
        "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭",
        "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹", "袁", "邓", "许", "傅", "沈",
        "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "余", "潘", "杜", "戴", "夏", "钟",
        "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔",
        "段", "普", "字", "和", "刀", "岩", "李", "杨", "张", "王",
    ]

    /// Trades of employers, any cause.
    static let trades: [String] = [
        "机械厂", "建筑公司", "纺织厂", "化工厂", "物流公司", "商贸有限公司", "食品厂", "餐饮服务有限公司",
        "物业管理公司", "酒店", "运输公司", "制药厂", "印刷厂", "超市", "农机厂", "烟草配套厂", "木材加工厂",
        "汽车修理厂", "糖厂", "茶叶公司", "煤矿", "钢铁厂", "水泥厂",
    ]
    /// Trades of employers of households made redundant by overcapacity reduction (化解过剩产能, policy §3.5).
    static let overcapacityTrades: [String] = ["煤矿", "钢铁厂", "水泥厂", "焦化厂", "磷化工公司"]
    /// What follows an ASCII comma in an employer name (quoted in the file, RFC 4180).
    static let commaSuffixes: [String] = [",二车间", ",第三分公司", ",后勤服务部"]
    /// An employer name with double quotes (written doubled inside a quoted field).
    static let quotedWords: [String] = ["红星", "东风", "前进"]
}
