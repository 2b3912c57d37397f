/// The Vietnamese citizen ID card (CCCD / Căn cước) profile of ICAO 9303.
public enum CCCD {}
