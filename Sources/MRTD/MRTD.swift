/// ICAO Doc 9303 machine readable travel documents: access control, secure messaging, LDS.
public enum MRTD {}
