/// Simulated cards and the vpcd transport that plugs them into pcscd.
public enum CardSimulator {}
