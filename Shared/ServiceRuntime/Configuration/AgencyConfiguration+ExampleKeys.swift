extension AgencyConfiguration {
    /// The public keys of the example configurations in `deploy/agencies/`, made with `jiekun keys generate` and
    /// whose secret keys were thrown away. A configuration listing one of them loads (so the examples can be
    /// checked) but warns at start: nobody can connect with it.
    public static let exampleKeys: Set<String> = [
        "emt14F83rpr8}$Do005!3Y]b]ZYs@2?VD-a)cI!y",  // union-registry
        "PJ9.O-P5v/M4%)s8<2:{>^rFGxWpT6xmM^=VIKom",  // hr-employment
        "+BCuBp7U4yC:x[$fFt]ke*Pt=pihX7=p61>QgPir",  // medical-insurance
        "i*<fca)F)=7(>=MeE*p*ZIv0pHINP/:ZDoWpy7z{",  // education-aid
        "h}P%J2^BEpRxKJU?QJ@ewQGiXh8FAG(}UU*][Rc=",  // housing
        "*iET??H:DH(A&?G.6n[Wo!Sy#TvCtBJ98Sk&bnux",  // civil-affairs
        "rwKijq?GniDO$Iprw3qr^$lH10bsC+h3V%NJw{2x",  // coordinator
        "Aa36.355Nt(=?cm.mNOc!}xS+^:8/&BIXE6L]E}9",  // ops-kunming
        "2)sl^HrZ#@Q0n]c}Z<wuupA5iUonfIYZ@AdgoOhd",  // ops-dali
    ]
}
