/// Swift API over pcsc-lite.
public enum PCSCModule {}
