#ifndef CANCUOC_CPCSCLITE_SHIM_H
#define CANCUOC_CPCSCLITE_SHIM_H
#include <winscard.h>
#include <reader.h>
#endif
