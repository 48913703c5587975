//! Danish text for the demo corpus: case titles, attachment names, briefing
//! subjects, case texts and page text, built from our own templates with a seeded
//! choice. The templates deliberately contain what makes Danish search hard:
//! inflected and definite forms, compounds, hyphen ellipses ("børne- og
//! ungeområdet", also broken across lines), abbreviations, "Aarhus"/"Århus",
//! paragraph signs and case numbers.

use super::rng::Rng;
use crate::model::DANISH_MONTHS as MONTHS;

/// The subject matter of a case or a document; picks the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Budgets, budget follow-up, capital budgets.
    Budget,
    /// Local plans and town planning.
    Lokalplan,
    /// Schools, school structure, SFO.
    Skole,
    /// Elder care, nursing homes, home help.
    Aeldre,
    /// Health and prevention.
    Sundhed,
    /// Climate plans and CO2 reduction.
    Klima,
    /// Traffic: light rail, cycle paths, road safety.
    Trafik,
    /// Vulnerable citizens and social services.
    Social,
    /// Employment.
    Beskaeftigelse,
    /// Culture and leisure.
    Kultur,
    /// Disability.
    Handicap,
    /// Business.
    Erhverv,
    /// Diversity and equality.
    Mangfoldighed,
    /// The council handbook (how the council works).
    Handbog,
}

struct Words {
    area: &'static [&'static str],
    def: &'static [&'static str],
    thing: &'static [&'static str],
    titles: &'static [&'static str],
    attach: &'static [&'static str],
    subjects: &'static [&'static str],
    sentences: &'static [&'static str],
}

fn words(t: Topic) -> &'static Words {
    match t {
        Topic::Budget => &BUDGET,
        Topic::Lokalplan => &LOKALPLAN,
        Topic::Skole => &SKOLE,
        Topic::Aeldre => &AELDRE,
        Topic::Sundhed => &SUNDHED,
        Topic::Klima => &KLIMA,
        Topic::Trafik => &TRAFIK,
        Topic::Social => &SOCIAL,
        Topic::Beskaeftigelse => &BESKAEFTIGELSE,
        Topic::Kultur => &KULTUR,
        Topic::Handicap => &HANDICAP,
        Topic::Erhverv => &ERHVERV,
        Topic::Mangfoldighed => &MANGFOLDIGHED,
        Topic::Handbog => &HANDBOG,
    }
}

static BUDGET: Words = Words {
    area: &["økonomiområdet", "anlægsområdet", "det samlede serviceområde"],
    def: &["budgettet", "budgetforslaget", "anlægsbudgettet", "budgetopfølgningen", "budgetrammen", "budgetterne"],
    thing: &["et nyt budgetforslag", "en budgetopfølgning", "en tillægsbevilling", "nye budgetrammer", "et anlægsbudget"],
    titles: &[
        "Budgetopfølgning pr. 30. {måned} {år}",
        "Budget {år1} - høringssvar fra {fork}",
        "Anlægsbudget {år1}-{år4} for {oarea}",
        "Forslag til budget {år1} - 1. behandling",
        "Tillægsbevilling til {oarea}",
        "Regnskab {år0} - overførsler til {år}",
        "Budget 2024: Effektiviseringer på {oarea}",
    ],
    attach: &["Budgetnotat", "Økonomisk oversigt", "Anlægsoversigt", "Notat om budgetopfølgning", "Bevillingsskema", "Overførselsoversigt", "Takstblad"],
    subjects: &["Status på budgetopfølgningen", "Overførsler fra regnskab {år0}", "Forbrug på anlægsbudgettet", "Udgifter til vikarer"],
    sentences: &[
        "Budgetopfølgningen pr. 30. {måned} viser et samlet merforbrug på {mio}, som primært skyldes stigende udgifter på {oarea}.",
        "Anlægsbudgettet for {år1} indeholder {antal} projekter med et samlet budget på {mio}.",
        "Budget 2024 forudsætter en effektivisering på {pct}, som skal findes uden at øge arbejdsbelastningen for medarbejderne.",
        "Der søges om en tillægsbevilling på {mio}, som finansieres af kassebeholdningen.",
        "Budgetterne for de decentrale enheder reguleres for pris- og lønudviklingen.",
        "Budgetrammen for {år1} er fastlagt i budgetforliget, og der er ikke afsat midler til nye anlæg.",
        "Budgetopfølgningen er udarbejdet på grundlag af forbruget til og med {måned}.",
        "Merforbruget på {oarea} forventes delvist modsvaret af mindreforbrug på andre områder.",
        "Mindreforbruget på anlægsbudgettet skyldes forsinkelser i udbud og projektering.",
    ],
};

static LOKALPLAN: Words = Words {
    area: &["planområdet", "byudviklingsområdet", "lokalplanområdet"],
    def: &["lokalplanen", "planen", "lokalplanforslaget", "kommuneplantillægget", "lokalplanerne", "planerne"],
    thing: &["en ny lokalplan", "et kommuneplantillæg", "nye lokalplaner", "en plan for området", "planer for boliger og erhverv"],
    titles: &[
        "Lokalplan nr. {lp}, {bydel} - forslag til offentlig fremlæggelse",
        "Endelig vedtagelse af lokalplan nr. {lp} for boliger i {bydel}",
        "Kommuneplantillæg nr. {kp} og lokalplan nr. {lp}, {bydel}",
        "Lokalplan nr. {lp}: Erhverv ved {vej}",
        "Byudvikling i {bydel} - principper for den videre planlægning",
        "Boliger og service ved {vej}/{vej} - lokalplan nr. {lp}",
    ],
    attach: &["Lokalplanforslag", "Kommuneplantillæg", "Miljøscreening", "Høringsnotat", "Kortbilag", "Illustrationsplan", "Trafikanalyse", "Støjberegning"],
    subjects: &["Status på lokalplanlægningen", "Klager over lokalplan nr. {lp}", "Sagsbehandlingstider for byggesager", "Tidsplan for kommuneplanen"],
    sentences: &[
        "Lokalplanen giver mulighed for at opføre op til {antal} boliger i {bydel}.",
        "Planområdet er i dag udlagt til erhverv, og lokalplanen ændrer anvendelsen til blandet bolig og erhverv.",
        "Der er foretaget en miljøscreening, og det vurderes, at planen ikke kræver en egentlig MKB.",
        "Planforslaget har været i offentlig høring i otte uger, og der er modtaget {antal} høringssvar.",
        "De fleste høringssvar handler om trafik, parkering og bygningshøjder langs {vej}.",
        "Lokalplanerne for området fra {oldyear} aflyses delvist, når den nye plan vedtages.",
        "Planen fastlægger, at mindst 25 pct. af boligerne skal være almene boliger.",
        "En MKB for projektet skal belyse støj, trafik og påvirkningen af grundvandet.",
        "Bebyggelsen må opføres i højst fem etager og skal have grønne tage.",
        "Lokalplanforslaget fastlægger vejadgang fra {vej} og stiforbindelser til {bydel}.",
        "Kommuneplantillægget ændrer rammeområdet fra erhverv til boliger.",
    ],
};

static SKOLE: Words = Words {
    area: &["skoleområdet", "folkeskoleområdet", "børne- og ungeområdet", "dagtilbudsområdet"],
    def: &["skolestrukturen", "folkeskolen", "SFO'en", "skolerne", "kvalitetsrapporten", "skoledistrikterne", "planen"],
    thing: &["en ny skolestruktur", "nye skoledistrikter", "en handleplan for inklusion", "nye SFO-takster", "planer for skolebyggeri"],
    titles: &[
        "Skolestruktur i {bydel} - forslag til høring",
        "Kvalitetsrapport for folkeskolen {år0}",
        "Takster for SFO og fritidsklub {år1}",
        "Udbygning af skolen i {bydel}",
        "Handleplan for inklusion på børne- og ungeområdet",
        "Skoledistrikter i {bydel} og {bydel}",
        "Fravær i folkeskolen - status og indsatser",
    ],
    attach: &["Høringsmateriale", "Kvalitetsrapport", "Elevprognose", "Notat om skolestruktur", "Takstoversigt", "Kapacitetsanalyse", "Trivselsmåling"],
    subjects: &["Elevtal pr. 5. september", "Status på skolebyggerier", "Trivselsmålingen {år}", "Ventelister i SFO og klub"],
    sentences: &[
        "Elevprognosen viser, at elevtallet i {bydel} vil stige med {antal} elever frem mod {år4}.",
        "Skolestrukturen har været uændret siden {oldyear}, hvor tre mindre skoler blev lagt sammen.",
        "Forslaget indebærer, at SFO'en flytter til nye lokaler på skolens område.",
        "Lærerne peger på, at arbejdsbelastningen er steget i takt med flere elever med særlige behov.",
        "Folkeskolens kvalitetsrapport viser fremgang i dansk og matematik i {pct} af klasserne.",
        "Børne- og Ungeudvalget bad i sin tid om en samlet plan for skolerne i {bydel}.",
        "Den nye skolestruktur skal give bedre faglige miljøer og mere stabile klasser.",
        "SFO-taksten for {år1} foreslås uændret i forhold til {år}.",
        "Skolebestyrelserne i {bydel} og {bydel} har afgivet fælles høringssvar om skolestrukturen.",
        "Forslaget til ny skolestruktur betyder, at ingen elever får mere end tre kilometer til skole.",
        "Der er i dag {antal} børn indskrevet i SFO og fritidsklub i området.",
    ],
};

static AELDRE: Words = Words {
    area: &["ældreområdet", "plejeområdet", "sundheds- og omsorgsområdet"],
    def: &["ældreplejen", "hjemmehjælpen", "plejehjemmet", "plejehjemmene", "kvalitetsstandarden", "ældreplanen"],
    thing: &["en ny ældreplan", "flere plejeboliger", "en kvalitetsstandard for hjemmehjælp", "et nyt plejehjem", "planer for rekruttering"],
    titles: &[
        "Kvalitetsstandard for hjemmehjælp {år1}",
        "Nyt plejehjem i {bydel} - projektforslag",
        "Ældreplan {år1}-{år4}",
        "Rekruttering og fastholdelse i ældreplejen",
        "Renovering af {plejehjem}",
        "Uanmeldte tilsyn på plejehjem {år0}",
    ],
    attach: &["Tilsynsrapport", "Kvalitetsstandard", "Projektforslag", "Notat om rekruttering", "Ældreplan", "Pladsprognose"],
    subjects: &["Ventelisten til plejehjem", "Sygefravær i hjemmeplejen", "Tilsyn på {plejehjem}", "Brug af velfærdsteknologi"],
    sentences: &[
        "Der er i dag {antal} borgere på ventelisten til en plejehjemsplads.",
        "Hjemmehjælpen leveres til {antal} borgere, og antallet forventes at stige de kommende år.",
        "Medarbejderne i hjemmeplejen beskriver en høj arbejdsbelastning og mange kørsler mellem borgerne.",
        "Tilsynet på {plejehjem} viste, at beboerne generelt er tilfredse med plejen.",
        "Ældreplejen skal have flere faste medarbejdere omkring den enkelte borger.",
        "Plejehjemmene i {bydel} har lange ventelister, og behovet for plejeboliger stiger.",
        "Ældreplanen sætter fokus på selvbestemmelse, værdighed og et godt arbejdsmiljø.",
        "Plejehjemmet har {antal} boliger fordelt på fire afdelinger.",
        "Kvalitetsstandarden beskriver, hvilken hjælp borgerne kan forvente, og hvor ofte.",
    ],
};

static SUNDHED: Words = Words {
    area: &[
        "sundhedsområdet",
        "forebyggelsesområdet",
        "sundheds- og omsorgsområdet",
    ],
    def: &[
        "sundhedspolitikken",
        "forebyggelsen",
        "genoptræningen",
        "handleplanen",
        "sundhedshusene",
    ],
    thing: &[
        "en ny sundhedspolitik",
        "en indsats for mental sundhed",
        "et sundhedshus",
        "planer for forebyggelse",
    ],
    titles: &[
        "Sundhedspolitik {år1}-{år4} - forslag",
        "Sundhedshus i {bydel}",
        "Genoptræning efter sundhedsloven - ventetider",
        "Forebyggelse af ensomhed blandt ældre",
        "Røgfri skoletid - status",
    ],
    attach: &[
        "Sundhedsprofil",
        "Notat om ventetider",
        "Handleplan",
        "Evaluering",
        "Høringssvar",
    ],
    subjects: &[
        "Ventetider på genoptræning",
        "Vaccination af ældre borgere",
        "Status på sundhedshusene",
    ],
    sentences: &[
        "Sundhedsprofilen viser, at {pct} af borgerne i {bydel} ofte føler sig ensomme.",
        "Ventetiden på genoptræning er nu {antal} dage i gennemsnit.",
        "Indsatsen skal forebygge indlæggelser og mindske presset på sygehusene.",
        "Handleplanen for mental sundhed bygger videre på erfaringerne fra {oldyear2}.",
        "Sundhedshusene skal samle praktiserende læger, genoptræning og forebyggelse under ét tag.",
    ],
};

static KLIMA: Words = Words {
    area: &["klimaområdet", "miljøområdet", "natur- og miljøområdet"],
    def: &["klimaplanen", "klimaplanerne", "handleplanen", "CO2-regnskabet", "klimaindsatsen", "planen"],
    thing: &["en ny klimaplan", "et CO2-regnskab", "planer for klimatilpasning", "en klimahandleplan", "nye klimaplaner"],
    titles: &[
        "Klimaplan {år1}-{år4} - status på CO2-reduktion",
        "CO2-regnskab for Aarhus Kommune {år0}",
        "Klimatilpasning langs Aarhus Å",
        "Energirenovering af kommunale bygninger",
        "Grøn omstilling i {bydel} - borgerinddragelse",
        "Skovrejsning ved {bydel}",
    ],
    attach: &["CO2-regnskab", "Klimaplan", "Statusnotat", "Handleplan", "Beregningsnotat", "Kortlægning af oversvømmelsesrisiko"],
    subjects: &["CO2-udledning fra kommunens bilpark", "Status på skovrejsning", "Klimaborgerting"],
    sentences: &[
        "Aarhus Kommune har som mål at være CO2-neutral i 2030.",
        "CO2-udledningen er faldet med {pct} siden {oldyear2}, primært fordi fjernvarmen er omlagt til vedvarende energi.",
        "Klimaplanen indeholder {antal} konkrete handlinger, som følges op hvert år.",
        "Klimatilpasningen skal beskytte {bydel} mod oversvømmelser ved skybrud.",
        "Udvalget ønsker, at klimaplanerne indarbejdes i lokalplaner og anlægsprojekter.",
        "CO2-reduktion i transportsektoren er fortsat den største udfordring.",
        "Der er udarbejdet en MKB for klimatilpasningsprojektet ved åen.",
    ],
};

static TRAFIK: Words = Words {
    area: &["trafikområdet", "vejområdet", "mobilitetsområdet"],
    def: &["letbanen", "cykelstien", "cykelstierne", "trafiksikkerheden", "trafikplanen", "mobilitetsplanen"],
    thing: &["nye cykelstier", "en trafiksikkerhedsplan", "en forlængelse af letbanen", "en ny busplan", "planer for parkering"],
    titles: &[
        "Cykelsti langs {vej}",
        "Trafiksikkerhedsplan {år1}-{år4}",
        "Letbanens etape 2 - principper for linjeføring",
        "Skolevejsanalyse for {bydel}",
        "Parkeringsstrategi for midtbyen",
        "Hastighedsnedsættelse på {vej}",
        "Busbetjening af {bydel}",
    ],
    attach: &["Trafiktælling", "Skitseprojekt", "Uheldsanalyse", "Trafiknotat", "Linjeføringsnotat", "Høringsnotat"],
    subjects: &["Trafiktal for letbanen", "Status på cykelstiprojekter", "Vejarbejder i midtbyen"],
    sentences: &[
        "Letbanen har i gennemsnit {antal} tusinde påstigninger pr. hverdag.",
        "Cykelstien langs {vej} forbinder {bydel} med midtbyen.",
        "Uheldsanalysen viser {antal} registrerede uheld på strækningen de seneste fem år.",
        "Trafiksikkerheden omkring skolerne i {bydel} skal forbedres med hævede flader og lavere hastighed.",
        "Forvaltningen anbefaler en hastighedsgrænse på 40 km/t i boligområderne.",
        "Trafiktællingen viser, at biltrafikken på {vej} er faldet med {pct}.",
        "En forlængelse af letbanen kræver en MKB og en ny anlægslov.",
        "Cykelstierne i {bydel} har mange krydsninger, hvor trafiksikkerheden bør forbedres.",
        "Skitseprojektet omfatter dobbeltrettet cykelsti, nye busperroner og signalregulering.",
    ],
};

static SOCIAL: Words = Words {
    area: &[
        "socialområdet",
        "det specialiserede socialområde",
        "social- og beskæftigelsesområdet",
        "udsatteområdet",
    ],
    def: &[
        "indsatsen",
        "udsattepolitikken",
        "herbergerne",
        "bostøtten",
        "handleplanen",
        "planerne",
    ],
    thing: &[
        "en ny udsattepolitik",
        "en styrket indsats for hjemløse",
        "flere skæve boliger",
        "en plan for socialpsykiatrien",
    ],
    titles: &[
        "Udsattepolitik for Aarhus Kommune - forslag til høring",
        "Hjemløsestrategi {år1}-{år4}",
        "Skæve boliger i {bydel}",
        "Socialtilsynets rapport om {tilbud}",
        "Bostøtte efter serviceloven § 85 - kvalitetsstandard",
        "Udsatte borgere i {bydel} - samlet indsats",
    ],
    attach: &[
        "Politikforslag",
        "Tilsynsrapport",
        "Kvalitetsstandard",
        "Statusnotat",
        "Høringssvar",
    ],
    subjects: &[
        "Antal hjemløse borgere",
        "Overnatninger på herbergerne",
        "Status på skæve boliger",
    ],
    sentences: &[
        "Der er registreret {antal} hjemløse borgere i kommunen ved seneste optælling.",
        "Udsatte borgere skal have én indgang til kommunen og en fast kontaktperson.",
        "Medarbejderne på herbergerne peger på en stigende arbejdsbelastning om natten.",
        "Bostøtten efter serviceloven § 85 gives i dag til {antal} borgere.",
        "Indsatsen for udsatte borgere gennemføres i samarbejde med frivillige organisationer.",
        "Socialtilsynet har ikke fundet anledning til skærpet tilsyn med {tilbud}.",
    ],
};

static BESKAEFTIGELSE: Words = Words {
    area: &["beskæftigelsesområdet", "social- og beskæftigelsesområdet", "jobcentrene"],
    def: &["beskæftigelsesplanen", "jobcentret", "ledigheden", "indsatsen", "virksomhedspraktikken"],
    thing: &["en ny beskæftigelsesplan", "en indsats for ledige unge", "flere virksomhedspraktikker", "planer for opkvalificering"],
    titles: &[
        "Beskæftigelsesplan {år1}",
        "Jobcentret - resultatrevision {år0}",
        "Ledige unge under 30 år - ny indsats",
        "Sygedagpengeområdet - status",
        "Integration af flygtninge på arbejdsmarkedet",
    ],
    attach: &["Beskæftigelsesplan", "Resultatrevision", "Ledighedsstatistik", "Notat om sygedagpenge"],
    subjects: &["Udviklingen i ledigheden", "Antal borgere på sygedagpenge", "Virksomhedssamarbejde"],
    sentences: &[
        "Ledigheden i Aarhus er faldet til {pct} af arbejdsstyrken.",
        "Jobcentret har i {år0} hjulpet {antal} ledige i job eller uddannelse.",
        "Sagsbehandlerne har en høj arbejdsbelastning med op til {antal} sager hver.",
        "Beskæftigelsesplanen fastsætter mål for unge, langtidsledige og sygemeldte.",
        "Virksomhedspraktik er fortsat den mest effektive vej til job for ledige med andre problemer end ledighed.",
    ],
};

static KULTUR: Words = Words {
    area: &[
        "kulturområdet",
        "kultur- og fritidsområdet",
        "idrætsområdet",
        "biblioteksområdet",
    ],
    def: &[
        "kulturpolitikken",
        "kulturpuljen",
        "bibliotekerne",
        "idrætshallen",
        "festugen",
        "kulturplanen",
    ],
    thing: &[
        "en ny kulturpolitik",
        "en pulje til lokale kulturprojekter",
        "en ny idrætshal",
        "planer for bibliotekerne",
    ],
    titles: &[
        "Kulturpolitik {år1}-{år4}",
        "Fordeling af kulturpuljen {år}",
        "Ny idrætshal i {bydel}",
        "Åbningstider på bibliotekerne",
        "Tilskud til spillesteder {år1}",
        "Kunst i byrummet ved {vej}",
    ],
    attach: &[
        "Ansøgningsoversigt",
        "Kulturpolitik",
        "Projektbeskrivelse",
        "Evaluering",
        "Tilskudsmodel",
    ],
    subjects: &[
        "Besøgstal på bibliotekerne",
        "Status på idrætsfaciliteter",
        "Kulturpuljens fordeling",
    ],
    sentences: &[
        "Kulturpuljen har modtaget {antal} ansøgninger med et samlet ansøgt beløb på {mio}.",
        "Bibliotekerne havde {antal} tusinde besøg i {år0}.",
        "Kultur- og fritidsområdet skal være tilgængeligt for alle borgere uanset bopæl.",
        "Foreningerne i {bydel} mangler lokaler til idræt og fritidsaktiviteter.",
        "Kulturpolitikken lægger vægt på børn og unges adgang til kunst og kultur.",
    ],
};

static HANDICAP: Words = Words {
    area: &["handicapområdet", "tilgængelighedsområdet", "det specialiserede socialområde"],
    def: &["handicappolitikken", "tilgængeligheden", "høringssvaret", "handleplanen", "ledsageordningen"],
    thing: &["en ny handicappolitik", "bedre tilgængelighed", "et høringssvar", "planer for tilgængelighed"],
    titles: &[
        "Høringssvar om {oarea}",
        "Handicappolitik - opfølgning {år}",
        "Tilgængelighed i {bydel} - besigtigelse",
        "Ledsageordningen - kvalitetsstandard",
        "Handicaprådets årsberetning {år0}",
    ],
    attach: &["Høringssvar", "Handicappolitik", "Notat om tilgængelighed", "Årsberetning"],
    subjects: &["Tilgængelighed ved letbanens stoppesteder", "Nyt fra Det Centrale Handicapråd", "Handicappolitisk dag"],
    sentences: &[
        "Handicaprådet anbefaler, at tilgængelighed indtænkes fra begyndelsen i alle anlægsprojekter.",
        "Rådet har afgivet høringssvar i {antal} sager i løbet af året.",
        "Ledsageordningen benyttes af {antal} borgere med handicap.",
        "Rådet bemærker, at forslaget kan øge arbejdsbelastningen for de pårørende.",
    ],
};

static ERHVERV: Words = Words {
    area: &[
        "erhvervsområdet",
        "turismeområdet",
        "erhvervs- og turismeområdet",
    ],
    def: &[
        "erhvervsplanen",
        "erhvervsindsatsen",
        "erhvervsklimaet",
        "samarbejdet",
    ],
    thing: &[
        "en ny erhvervsplan",
        "en indsats for iværksættere",
        "et tættere samarbejde med erhvervslivet",
    ],
    titles: &[
        "Erhvervsplan {år1}-{år4}",
        "Erhvervsklima i Aarhus - måling {år0}",
        "Iværksætteri og nye virksomheder",
        "Turisme og kongresser i {år}",
        "Samarbejde med erhvervslivet om grøn omstilling",
    ],
    attach: &[
        "Erhvervsklimamåling",
        "Præsentation",
        "Notat om iværksætteri",
        "Turismestatistik",
    ],
    subjects: &[
        "Nye virksomheder i kommunen",
        "Kongresturisme",
        "Mangel på arbejdskraft",
    ],
    sentences: &[
        "Der er etableret {antal} nye virksomheder i kommunen i {år0}.",
        "Erhvervslivet peger på mangel på arbejdskraft som den største udfordring.",
        "Erhvervsplanen er udarbejdet i samarbejde med erhvervsorganisationerne.",
        "Sagsbehandlingstiden for erhvervsbyggesager er nedbragt til {antal} dage.",
    ],
};

static MANGFOLDIGHED: Words = Words {
    area: &["ligestillingsområdet", "integrationsområdet", "mangfoldighedsområdet"],
    def: &["ligestillingsredegørelsen", "mangfoldighedspolitikken", "handleplanen", "indsatsen"],
    thing: &["en ny ligestillingspolitik", "en handleplan mod diskrimination", "en mangfoldighedsindsats"],
    titles: &[
        "Ligestillingsredegørelse {år0}",
        "Mangfoldighedspolitik - forslag",
        "Indsats mod diskrimination i nattelivet",
        "Borgerinddragelse i {bydel}",
        "Ligeløn i Aarhus Kommune",
    ],
    attach: &["Redegørelse", "Politikforslag", "Notat", "Spørgeskemaundersøgelse"],
    subjects: &["Ligestilling i ledelse", "Borgermøde i {bydel}", "Tal om diskrimination"],
    sentences: &[
        "Andelen af kvindelige ledere i kommunen er {pct}.",
        "Udvalget er nedsat efter styrelseslovens § 17, stk. 4, og afgiver sine anbefalinger til Byrådet.",
        "Undersøgelsen viser, at {pct} af de unge har oplevet diskrimination.",
        "Handleplanen skal sikre lige adgang til fritidsaktiviteter i {bydel}.",
    ],
};

static HANDBOG: Words = Words {
    area: &["det politiske arbejde", "udvalgsarbejdet"],
    def: &["forretningsordenen", "dagsordenen", "referatet", "styrelsesvedtægten"],
    thing: &["en ny forretningsorden", "en ændret styrelsesvedtægt"],
    titles: &["Byrådets arbejde"],
    attach: &["Byrådshåndbogen"],
    subjects: &["Forretningsorden"],
    sentences: &[
        "Byrådet i Aarhus Kommune består af 31 medlemmer, der vælges for fire år ad gangen.",
        "Byrådet holder normalt møde hver anden onsdag, og møderne er åbne for offentligheden.",
        "Magistraten består af borgmesteren, rådmændene og et antal øvrige medlemmer og forbereder sagerne til Byrådet.",
        "De stående udvalg, fx Teknisk Udvalg (TU) og Børn og Unge-udvalget (BUU), behandler sager inden for deres område.",
        "Byrådet kan nedsætte midlertidige udvalg efter § 17, stk. 4, i lov om kommunernes styrelse.",
        "Dagsordenen udsendes senest fire hverdage før mødet, og bilagsmaterialet gøres tilgængeligt samtidig.",
        "Lukkede punkter behandles for lukkede døre, og materialet er omfattet af tavshedspligt.",
        "Et medlem kan begære aktindsigt i sager, der er eller skal behandles i Byrådet.",
        "Et medlem, der er inhabilt, deltager ikke i behandlingen af sagen og forlader mødelokalet.",
        "Borgere kan anmode om foretræde for et udvalg, når udvalget behandler en sag, der vedrører dem.",
        "Et medlemsforslag kan henvises fra Byrådet til behandling i et udvalg, før det afgøres.",
        "Medlemmerne oplever perioder med stor arbejdsbelastning, især omkring budgetforhandlingerne i september.",
        "Arbejdsbelastningen for de politiske udvalg drøftes årligt, og planerne for mødekalenderen tilpasses.",
        "Byrådets forretningsorden fastlægger, hvordan møderne ledes, og hvordan der stemmes.",
        "Kommunen hed Århus Kommune frem til 2011, hvor stavemåden Aarhus blev taget i brug igen.",
        "Referatet godkendes af medlemmerne ved mødets slutning og offentliggøres derefter.",
        "Økonomi- og Erhvervsudvalget (ØEU) hed tidligere Økonomiudvalget.",
        "Sager på vej er en oversigt over de sager, som forvaltningen forventer at forelægge udvalget.",
        "Skriftlige orienteringer samles under ét punkt på dagsordenen og kan rumme flere emner.",
        "Vederlaget til byrådsmedlemmer fastsættes efter regler fra Indenrigs- og Boligministeriet.",
        "Byrådet (BR) træffer den endelige afgørelse i sager, der har været behandlet i udvalg og Magistrat.",
        "En sag, der udsættes, behandles normalt på udvalgets næste møde med det samme bilagsmateriale.",
        "Forkortelser som TU, BUU, SOU, SBU, KU og ØEU bruges i dagsordener, referater og mødeplaner.",
        "Borgmesteren er formand for Økonomi- og Erhvervsudvalget og for Byrådet.",
    ],
};

/// Topic-independent sentences.
const GENERAL: &[&str] = &[
    "Forvaltningen forelægger hermed {thing} til udvalgets drøftelse.",
    "Sagen blev drøftet på udvalgets møde den {dato}, hvor der blev bedt om en uddybende redegørelse.",
    "Der er afsat {mio} i anlægsbudgettet til formålet.",
    "Forslaget er udarbejdet i dialog med {forv} og relevante parter på {oarea}.",
    "Der henvises til bilagsmaterialet, hvor de økonomiske konsekvenser er beskrevet nærmere.",
    "Sagen forelægges herefter Magistraten og forventes behandlet i Byrådet (BR) den {dato}.",
    "Planerne har været i høring fra {dato} til {dato}, og der er indkommet {antal} høringssvar.",
    "Det bemærkes, at {def} ikke ændrer de gældende serviceniveauer på {area}.",
    "Allerede i {oldyear} skrev Århus Kommune i en redegørelse: „{quote}“.",
    "Af et ældre notat fra Århus Kommune fremgår det, at {quote}.",
    "Forvaltningen foreslår, at {def} evalueres i {år2}.",
    "Sagen har sagsnummer {sagsnr} og kan følges i kommunens sagssystem.",
    "Sagen vedrører både social- og beskæftigelsesområdet og sundheds- og omsorgsområdet.",
    "Sagen er koordineret mellem Børne- og Ungeudvalget og Kulturudvalget, da den berører både skole- og fritidsområdet.",
    "Rådmanden orienterede på mødet den {dato} om status for {def}.",
    "{fork} besluttede den {dato} at sende forslaget i høring.",
    "Der er ikke tale om nye planer, men om en justering af de eksisterende planer.",
    "Planen blev vedtaget i {oldyear2}, og planerne for de kommende år bygger videre på den.",
    "Økonomien er beskrevet i bilag, og der henvises til notatet om anlægsbudgettet.",
    "Erfaringerne fra {bydel} viser, at tidlig inddragelse af borgerne mindsker antallet af klager.",
    "Aarhus Kommune vil fortsat arbejde for {thing} i hele kommunen.",
    "I perioden frem til {dato} holdes der borgermøder i {bydel} og {bydel}.",
    "Udgifterne afholdes inden for den eksisterende budgetramme for {forv}.",
    "Magistraten behandler sagen den {dato}, og sagen forventes afgjort af Byrådet kort efter.",
    "Sagen blev senest behandlet i {fork} den {dato}.",
    "Bilagsmaterialet omfatter {antal} sider med kort, beregninger og høringssvar.",
    "Forvaltningen vurderer, at de foreslåede tiltag giver en bedre balance mellem opgaver og ressourcer.",
    "Forslaget har ingen konsekvenser for kommunens CO2-udledning.",
    "Orienteringen tages til efterretning, og udvalget følger op i {år1}.",
    "Budget {år1} indeholder ingen særskilte midler til formålet.",
    "Afgørelsen træffes efter § 17, stk. 4, i lov om kommunernes styrelse, jf. styrelsesvedtægten.",
    "Forvaltningen har i samarbejde med skoler, dagtilbud og klubber på hele børne-\nog ungeområdet gennemført en kortlægning af behovene.",
    "Der er tale om en fælles opgave for forvaltningerne på kultur-\nog fritidsområdet og på skoleområdet.",
    "Forslaget skal ses i sammenhæng med den plan, som {fork} godkendte den {dato}.",
    "Aarhus Kommune forventer, at {def} kan gennemføres inden udgangen af {år1}.",
    "Den endelige plan forelægges udvalget, når høringen er afsluttet.",
    "Forvaltningen har indhentet erfaringer fra andre store kommuner, herunder København og Odense.",
    "Høringsperioden er fastsat til seks uger, hvilket følger praksis for tilsvarende sager.",
    "Der er holdt dialogmøder med de faglige organisationer og MED-udvalgene.",
    "Tidsplanen forudsætter, at Byrådet træffer beslutning inden sommerferien.",
    "Forvaltningen vender tilbage med en status, når de første erfaringer foreligger.",
    "Der er usikkerhed om de langsigtede udgifter, og forvaltningen anbefaler derfor en trinvis udrulning.",
    "Afgørelsen kan påklages til Ankestyrelsen inden for fire uger.",
    "Forslaget bidrager til at nå målene i kommunens planstrategi.",
    "Antallet af henvendelser fra borgerne er steget med {pct} det seneste år.",
    "Den videre proces tilrettelægges i tæt samarbejde med lokalsamfundet i {bydel}.",
    "Det forventes, at {def} kan finansieres inden for den vedtagne ramme for {år1}.",
    "Et mindretal i udvalget ønskede en bredere høring, før sagen afgøres.",
    "I {år0} blev der gennemført {antal} tilsyn, og resultaterne er samlet i bilaget.",
    "Sagen blev første gang drøftet i {fork} den {dato} og er siden kvalificeret.",
    "Der er ikke behov for en ny plan, da de gældende planer dækker området.",
];

/// Sentences about workload; used in a share of the documents only.
const WORKLOAD: &[&str] = &[
    "Den samlede arbejdsbelastning på {area} er steget siden {oldyear2}, og forvaltningen forventer, at udviklingen fortsætter.",
    "Arbejdsbelastningen i de enkelte enheder er kortlagt i bilagsmaterialet.",
    "Flere høringssvar peger på arbejdsbelastningen for medarbejderne og behovet for en klar plan.",
    "En analyse af arbejdsbelastninger i forvaltningens afdelinger viser store forskelle mellem {bydel} og {bydel}.",
    "Medarbejdernes arbejdsbelastning følges tæt, og udvalget får en status hvert halve år.",
    "Hvis forslaget vedtages, forventes arbejdsbelastningerne at blive mere jævnt fordelt over året.",
    "En trivselsmåling fra {år0} viser, at {pct} af medarbejderne oplever arbejdsbelastningen som for høj.",
    "Arbejdsbelastningen hos ledere og medarbejdere på {area} skal nedbringes, før nye opgaver lægges ind.",
    "Den høje arbejdsbelastning skyldes især flere borgere med komplekse behov og vakante stillinger, der har været svære at besætte, så den samlede arbejds-\nbelastning er ikke faldet.",
];

const QUOTES: &[&str] = &[
    "der er behov for en samlet plan for {area}, så arbejdsbelastningen fordeles bedre",
    "kommunen bør samle indsatsen i færre og større enheder",
    "planerne skal revideres, når erfaringerne foreligger",
    "borgerne skal inddrages tidligt i alle større planer",
    "Århus Kommune vil prioritere {thing} i de kommende år",
];

const HEADINGS: &[&str] = &[
    "Indledning",
    "Baggrund",
    "Formål",
    "Økonomi",
    "Arbejdsbelastning og ressourcer",
    "Høring",
    "Videre proces",
    "Tidsplan",
    "Konsekvenser for borgerne",
    "Vurdering",
    "Lovgrundlag",
    "Sammenfatning",
    "Datagrundlag",
    "Anbefalinger",
];

const HANDBOOK_HEADINGS: &[&str] = &[
    "Byrådet",
    "Magistraten",
    "Udvalgene",
    "Møder og dagsordener",
    "Tavshedspligt og aktindsigt",
    "Vederlag og godtgørelser",
    "Arbejdsbelastning og arbejdsvilkår",
    "Forkortelser",
    "Medlemsforslag",
];

/// The committees by full name, for "{udvalg}".
pub(crate) const COMMITTEES: &[&str] = &[
    "Børn og Unge-udvalget",
    "Kulturudvalget",
    "Sundheds- og Omsorgsudvalget",
    "Social- og Beskæftigelsesudvalget",
    "Teknisk Udvalg",
    "Økonomi- og Erhvervsudvalget",
];
const SHORTS: &[&str] = &[
    "TU",
    "BUU",
    "ØEU",
    "SBU",
    "SOU",
    "KU",
    "Magistraten",
    "Byrådet",
];
const FORV: &[&str] = &[
    "Borgmesterens Afdeling",
    "Teknik og Miljø",
    "Børn og Unge",
    "Sociale Forhold og Beskæftigelse",
    "Kultur og Borgerservice",
    "Sundhed og Omsorg",
];
const BYDELE: &[&str] = &[
    "Viby",
    "Tilst",
    "Gellerup",
    "Brabrand",
    "Lisbjerg",
    "Skejby",
    "Risskov",
    "Hasle",
    "Åbyhøj",
    "Højbjerg",
    "Trige",
    "Harlev",
    "Beder",
    "Malling",
    "Tranbjerg",
    "Egå",
    "Hjortshøj",
    "Sabro",
    "Mårslet",
    "Solbjerg",
];
const VEJE: &[&str] = &[
    "Randersvej",
    "Silkeborgvej",
    "Viborgvej",
    "Grenåvej",
    "Ringvej Syd",
    "Marselis Boulevard",
    "Åboulevarden",
    "Nørrebrogade",
    "Skanderborgvej",
    "Søndervangen",
    "Møllevej",
];
const PLEJEHJEM: &[&str] = &[
    "Plejehjemmet Egebakken",
    "Plejehjemmet Kastanjegården",
    "Plejehjemmet Møllehaven",
    "Plejehjemmet Strandlyst",
    "Plejehjemmet Lindely",
];
const TILBUD: &[&str] = &[
    "botilbuddet Fuglebo",
    "herberget ved havnen",
    "bostedet Åløkken",
    "værestedet i midtbyen",
];
const PARTIES: &[&str] = &[
    "Socialdemokratiet",
    "Venstre",
    "Det Konservative Folkeparti",
    "SF",
    "Enhedslisten",
    "Radikale Venstre",
    "Dansk Folkeparti",
    "Liberal Alliance",
];

/// A Danish date: "15. marts 2023".
pub fn danish_date(d: chrono::NaiveDate) -> String {
    crate::model::danish_date(d)
}

/// What a generated text is about.
#[derive(Debug, Clone)]
pub(crate) struct Ctx<'a> {
    pub topic: Topic,
    pub year: i32,
    pub case_number: &'a str,
}

fn push_thousands(out: &mut String, n: u64) {
    let s = n.to_string();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
}

fn random_date(rng: &mut Rng, year: i32, out: &mut String) {
    let mut m = rng.below(11) as usize;
    if m >= 6 {
        m += 1; // no July
    }
    let day = if m == 11 {
        rng.range(1, 18)
    } else {
        rng.range(1, 28)
    };
    out.push_str(&format!("{day}. {} {year}", MONTHS[m]));
}

fn slot(rng: &mut Rng, name: &str, ctx: &Ctx, out: &mut String) {
    let w = words(ctx.topic);
    match name {
        "area" => out.push_str(rng.word(w.area)),
        "oarea" => {
            let t = *rng.pick(&[
                Topic::Skole,
                Topic::Aeldre,
                Topic::Social,
                Topic::Kultur,
                Topic::Trafik,
                Topic::Klima,
            ]);
            out.push_str(rng.word(words(t).area));
        }
        "def" => out.push_str(rng.word(w.def)),
        "thing" => out.push_str(rng.word(w.thing)),
        "udvalg" => out.push_str(rng.word(COMMITTEES)),
        "fork" => out.push_str(rng.word(SHORTS)),
        "forv" => out.push_str(rng.word(FORV)),
        "bydel" => out.push_str(rng.word(BYDELE)),
        "vej" => out.push_str(rng.word(VEJE)),
        "plejehjem" => out.push_str(rng.word(PLEJEHJEM)),
        "tilbud" => out.push_str(rng.word(TILBUD)),
        "måned" => out.push_str(MONTHS[rng.below(12) as usize]),
        "dato" => random_date(rng, ctx.year, out),
        "år" => out.push_str(&ctx.year.to_string()),
        "år0" => out.push_str(&(ctx.year - 1).to_string()),
        "år1" => out.push_str(&(ctx.year + 1).to_string()),
        "år2" => out.push_str(&(ctx.year + 2).to_string()),
        "år4" => out.push_str(&(ctx.year + 4).to_string()),
        "oldyear" => out.push_str(&rng.range(1985, 2006).to_string()),
        "oldyear2" => out.push_str(&rng.range(2012, (ctx.year - 2) as u64).to_string()),
        "mio" => {
            let whole = rng.range(1, 240);
            let dec = rng.below(10);
            out.push_str(&format!("{whole},{dec} mio. kr."));
        }
        "pct" => {
            let whole = rng.range(2, 48);
            let dec = rng.below(10);
            out.push_str(&format!("{whole},{dec} pct."));
        }
        "antal" => {
            let n = if rng.chance(1, 10) {
                rng.range(1000, 6000)
            } else {
                rng.range(3, 900)
            };
            push_thousands(out, n);
        }
        "lp" => out.push_str(&rng.range(1100, 1260).to_string()),
        "kp" => out.push_str(&rng.range(100, 170).to_string()),
        "sagsnr" => {
            if ctx.case_number.is_empty() {
                out.push_str(&format!("EMN-{}-{:06}", ctx.year, rng.range(1000, 99999)));
            } else {
                out.push_str(ctx.case_number);
            }
        }
        "quote" => {
            let q = *rng.pick(QUOTES);
            expand(rng, q, ctx, out);
        }
        other => out.push_str(other),
    }
}

/// Expands `{slot}`s in a template.
pub(crate) fn expand(rng: &mut Rng, tpl: &str, ctx: &Ctx, out: &mut String) {
    let mut rest = tpl;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let j = after.find('}').unwrap_or(after.len());
        slot(rng, &after[..j], ctx, out);
        rest = after.get(j + 1..).unwrap_or("");
    }
    out.push_str(rest);
}

fn expand_cap(rng: &mut Rng, tpl: &str, ctx: &Ctx) -> String {
    let mut s = String::new();
    expand(rng, tpl, ctx, &mut s);
    capitalize(&s)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A case title for a topic.
pub(crate) fn case_title(rng: &mut Rng, ctx: &Ctx) -> String {
    let tpl = *rng.pick(words(ctx.topic).titles);
    expand_cap(rng, tpl, ctx)
}

/// A name for an attachment (without "Bilag N - ").
pub(crate) fn attachment_name(rng: &mut Rng, topic: Topic) -> String {
    (*rng.pick(words(topic).attach)).to_string()
}

/// A subject of a written briefing.
pub(crate) fn briefing_subject(rng: &mut Rng, ctx: &Ctx) -> String {
    let tpl = *rng.pick(words(ctx.topic).subjects);
    expand_cap(rng, tpl, ctx)
}

/// Templates used lately, so that a sentence does not come back too soon.
pub(crate) type Recent = Vec<&'static str>;

fn sentence(rng: &mut Rng, ctx: &Ctx, workload: bool, recent: &mut Recent, out: &mut String) {
    let w = words(ctx.topic);
    let mut tpl = "";
    for _ in 0..4 {
        let r = rng.below(30);
        tpl = if workload && r == 0 {
            rng.word(WORKLOAD)
        } else if r < 14 || ctx.topic == Topic::Handbog {
            rng.word(w.sentences)
        } else {
            rng.word(GENERAL)
        };
        // Workload is a theme of some documents only.
        let off_theme = !workload && tpl.contains("rbejdsbelastning");
        if !off_theme && !recent.iter().any(|t| std::ptr::eq(*t, tpl)) {
            break;
        }
    }
    if recent.len() >= 6 {
        recent.remove(0);
    }
    recent.push(tpl);
    let start = out.len();
    expand(rng, tpl, ctx, out);
    // Capitalise a sentence that starts with a slot.
    if let Some(first) = out[start..].chars().next() {
        if first.is_lowercase() {
            let cap: String = first.to_uppercase().collect();
            out.replace_range(start..start + first.len_utf8(), &cap);
        }
    }
}

fn paragraph(
    rng: &mut Rng,
    ctx: &Ctx,
    workload: bool,
    sentences: u64,
    recent: &mut Recent,
) -> String {
    let mut p = String::new();
    for i in 0..sentences {
        if i > 0 {
            p.push(' ');
        }
        sentence(rng, ctx, workload, recent, &mut p);
    }
    p
}

/// Line width of page text in characters.
pub(crate) const LINE_WIDTH: usize = 90;

/// Wraps a paragraph at [`LINE_WIDTH`]; a `\n` in the text forces a break.
pub(crate) fn wrap(text: &str, lines: &mut Vec<String>) {
    for part in text.split('\n') {
        let mut line = String::new();
        let mut len = 0usize;
        for word in part.split(' ').filter(|w| !w.is_empty()) {
            let wl = word.chars().count();
            if len > 0 && len + 1 + wl > LINE_WIDTH {
                lines.push(std::mem::take(&mut line));
                len = 0;
            }
            if len > 0 {
                line.push(' ');
                len += 1;
            }
            line.push_str(word);
            len += wl;
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
}

/// What a document's first page says about it.
#[derive(Debug, Clone)]
pub(crate) struct DocIntro<'a> {
    pub title: &'a str,
    pub lines: Vec<String>,
}

/// Body lines of a document of exactly `pages` pages with `per_page` lines each
/// (the last page partly filled).
pub(crate) fn document_pages(
    rng: &mut Rng,
    ctx: &Ctx,
    intro: &DocIntro,
    pages: u32,
    per_page: usize,
) -> Vec<Vec<String>> {
    let last = rng.range(12, per_page as u64) as usize;
    let need = (pages as usize - 1) * per_page + last;
    let workload = rng.chance(2, 5) || ctx.topic == Topic::Handbog;
    let mut lines: Vec<String> = Vec::with_capacity(need + 8);
    wrap(intro.title, &mut lines);
    lines.extend(intro.lines.iter().cloned());
    lines.push(String::new());
    let headings = if ctx.topic == Topic::Handbog {
        HANDBOOK_HEADINGS
    } else {
        HEADINGS
    };
    let mut section = 1;
    let mut recent = Recent::new();
    while lines.len() < need {
        lines.push(format!("{section}. {}", rng.pick(headings)));
        section += 1;
        for _ in 0..rng.range(1, 3) {
            let n = rng.range(3, 6);
            let p = paragraph(rng, ctx, workload, n, &mut recent);
            wrap(&p, &mut lines);
            lines.push(String::new());
        }
    }
    lines.truncate(need);
    let mut out = Vec::with_capacity(pages as usize);
    let mut it = lines.into_iter();
    for p in 0..pages as usize {
        let n = if p + 1 == pages as usize {
            last
        } else {
            per_page
        };
        out.push(it.by_ref().take(n).collect());
    }
    out
}

/// Which sort of item a case text is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CaseRole<'a> {
    /// An ordinary committee item.
    Regular,
    /// A committee item that goes on to the Magistrat and the Byråd.
    ToCouncil,
    /// Referred from the Byråd on a date.
    Referred(&'a str),
    /// Postponed at this meeting.
    Postponed,
    /// The Magistrat's item on a committee case.
    Magistrat(&'a str),
    /// The Byråd's item on a committee case.
    Council(&'a str),
    /// A member's proposal in the Byråd, referred to a committee.
    Proposal(&'a str),
    /// A closed item.
    Closed,
    /// A written briefing.
    Briefing,
}

/// The case text of an item: Resume, Indstilling, Sagsfremstilling, Beslutning.
pub(crate) fn case_text(
    rng: &mut Rng,
    ctx: &Ctx,
    body: &str,
    title: &str,
    role: CaseRole,
) -> String {
    let w = words(ctx.topic);
    let mut s = String::with_capacity(1200);
    let mut recent = Recent::new();
    s.push_str("Resume\n");
    match role {
        CaseRole::Referred(date) => {
            s.push_str(&format!(
                "Byrådet henviste den {date} forslaget til behandling i {body}. "
            ));
        }
        CaseRole::Magistrat(from) | CaseRole::Council(from) => {
            s.push_str(&format!(
                "Sagen er behandlet i {from} og forelægges nu {body}. "
            ));
        }
        CaseRole::Proposal(_) => {
            s.push_str("Medlemsforslag fra ");
            s.push_str(rng.word(PARTIES));
            s.push_str(". ");
        }
        _ => {}
    }
    s.push_str(&paragraph(rng, ctx, false, 2, &mut recent));
    s.push_str("\n\n");
    if role != CaseRole::Briefing {
        s.push_str("Indstilling\n");
        let def = *rng.pick(w.def);
        match role {
            CaseRole::Magistrat(_) => s.push_str(&format!(
                "Magistraten indstiller til Byrådet,\nat {def} godkendes som beskrevet i sagen.\n\n"
            )),
            CaseRole::ToCouncil => s.push_str(&format!(
                "Rådmanden indstiller, at {body} anbefaler Byrådet,\nat {def} godkendes,\nat udgifterne afholdes inden for rammen.\n\n"
            )),
            CaseRole::Proposal(to) => s.push_str(&format!(
                "Forslagsstillerne foreslår, at Byrådet beslutter {title}.\nBorgmesteren foreslår, at forslaget henvises til {to}.\n\n"
            )),
            _ => s.push_str(&format!("Forvaltningen indstiller,\nat {body} godkender {def},\nat orienteringen tages til efterretning.\n\n")),
        }
    }
    s.push_str("Sagsfremstilling\n");
    let n = rng.range(3, 6);
    let workload = rng.chance(1, 3);
    s.push_str(&paragraph(rng, ctx, workload, n, &mut recent));
    s.push_str("\n\nBeslutning\n");
    let decision = match role {
        CaseRole::Postponed => "Sagen blev udsat til næste møde.".to_string(),
        CaseRole::Proposal(to) => format!("Forslaget blev henvist til behandling i {to}."),
        CaseRole::Briefing => "Orienteringerne blev taget til efterretning.".to_string(),
        CaseRole::Council(_) => "Byrådet godkendte indstillingen.".to_string(),
        CaseRole::Magistrat(_) => "Indstillingen blev anbefalet over for Byrådet.".to_string(),
        CaseRole::ToCouncil => "Udvalget anbefaler indstillingen over for Byrådet.".to_string(),
        CaseRole::Closed => "Indstillingen blev godkendt. Sagen er lukket.".to_string(),
        _ if rng.chance(1, 4) => format!(
            "Indstillingen blev godkendt. {} tog forbehold.",
            rng.pick(PARTIES)
        ),
        _ => "Indstillingen blev godkendt.".to_string(),
    };
    s.push_str(&decision);
    s
}

/// The case text of a fixed item.
pub(crate) fn fixed_text(rng: &mut Rng, ctx: &Ctx, title: &str, prev: Option<&str>) -> String {
    match title {
        "Godkendelse af dagsorden" => "Beslutning\nDagsordenen blev godkendt.".to_string(),
        "Godkendelse af referat" => match prev {
            Some(d) => format!("Beslutning\nReferatet fra mødet den {d} blev godkendt."),
            None => "Beslutning\nReferatet fra forrige møde blev godkendt.".to_string(),
        },
        "Meddelelser" => {
            let mut s = String::from("Sagsfremstilling\n");
            expand(
                rng,
                "Rådmanden orienterede om status for {def}. ",
                ctx,
                &mut s,
            );
            expand(
                rng,
                "Formanden orienterede om et møde med {forv} den {dato}.",
                ctx,
                &mut s,
            );
            s
        }
        "Sager på vej" => {
            let mut s = String::from("Sagsfremstilling\nOversigt over sager, som forventes forelagt udvalget de kommende måneder, herunder ");
            expand(rng, "{thing}.", ctx, &mut s);
            s
        }
        _ => "Beslutning\nIntet.".to_string(),
    }
}
