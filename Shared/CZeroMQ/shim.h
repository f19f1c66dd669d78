// libzmq's C API, as installed by Debian's libzmq3-dev (4.3.4).
#ifndef JIEKUN_CZEROMQ_SHIM_H
#define JIEKUN_CZEROMQ_SHIM_H
#include <zmq.h>
#endif
