#include "simulationdata.h"
