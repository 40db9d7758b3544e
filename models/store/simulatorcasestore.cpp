#include "simulatorcasestore.h"
