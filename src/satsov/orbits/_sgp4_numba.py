"""A numba port of SGP4's near-earth propagation, fused with the TEME -> ITRS rotation.

Initialisation is python-sgp4's own (its pure-Python ``sgp4init``), so every
coefficient is exactly the reference's; only the per-step propagation below
is re-implemented, line for line after Vallado's ``sgp4()`` (near-earth
branch, the deep-space branch stays with python-sgp4). Verified against the
Vallado verification vectors and against python-sgp4 in the tests.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# Positions outside any Earth orbit are failures, never data (satsov's code 7, after python-sgp4's 1-6).
SANE_RADIUS_MIN_KM = 6000.0
SANE_RADIUS_MAX_KM = 1.0e6
INSANE_POSITION = 7

# Columns of the coefficient table (one row per satellite).
FIELDS = ("isimp", "mo", "mdot", "argpo", "argpdot", "nodeo", "nodedot", "nodecf", "cc1", "bstar", "cc4",
          "t2cof", "omgcof", "eta", "xmcof", "delmo", "d2", "d3", "d4", "cc5", "sinmao", "t3cof", "t4cof",
          "t5cof", "no_unkozai", "ecco", "inclo", "aycof", "xlcof", "con41", "x1mth2", "x7thm1",
          "jdsatepoch", "jdsatepochF", "xke", "j2", "radiusearthkm")
DERIVED = ("a0", "sinio", "cosio")  # (xke/no_unkozai)^(2/3), sin and cos of the inclination
_FASTMATH = {"nsz", "contract"}  # fused multiply-add only; no reassociation (0.2 m), no nnan (NaN marks failures)


@njit(cache=True, fastmath=_FASTMATH, inline="always", error_model="numpy")
def _small_sincos(x):
    """sin and cos of a small angle by their series (|x| < 0.05 rad: error far below 1e-17)."""
    if abs(x) > 0.05:
        return math.sin(x), math.cos(x)
    x2 = x * x
    return (x * (1.0 - x2 / 6.0 * (1.0 - x2 / 20.0 * (1.0 - x2 / 42.0))),
            1.0 - x2 / 2.0 * (1.0 - x2 / 12.0 * (1.0 - x2 / 30.0 * (1.0 - x2 / 56.0))))


def coefficients(model_satrecs) -> np.ndarray:
    """Table of SGP4 coefficients from pure-Python ``sgp4.model.Satrec`` objects."""
    table = np.empty((len(model_satrecs), len(FIELDS) + len(DERIVED)))
    for row, sat in enumerate(model_satrecs):
        for col, name in enumerate(FIELDS):
            table[row, col] = float(getattr(sat, name))
        table[row, -3] = (sat.xke / sat.no_unkozai) ** (2.0 / 3.0)
        table[row, -2] = math.sin(sat.inclo)
        table[row, -1] = math.cos(sat.inclo)
    return table


@njit(cache=True, fastmath=_FASTMATH, inline="always", error_model="numpy")
def _fmod(x, y):
    """C's fmod for the angles here (|x/y| < 1e6): libm's exact fmod costs ~30 ns, this ~2 ns; the result
    differs by rounding only (1e-13 rad at most)."""
    return x - y * np.trunc(x / y)


@njit(cache=True, fastmath=_FASTMATH, inline="always", error_model="numpy")
def _sgp4_near(c, tsince):
    (isimp, mo, mdot, argpo, argpdot, nodeo, nodedot, nodecf, cc1, bstar, cc4, t2cof, omgcof, eta, xmcof,
     delmo, d2, d3, d4, cc5, sinmao, t3cof, t4cof, t5cof, no_unkozai, ecco, _inclo, aycof, xlcof, con41, x1mth2,
     x7thm1, _jd, _fr, _xke, j2, radiusearthkm, a0, sinio, cosio) = (
        c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15],
        c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30],
        c[31], c[32], c[33], c[34], c[35], c[36], c[37], c[38], c[39])
    twopi = 2.0 * math.pi
    t = tsince
    xmdf = mo + mdot * t
    argpdf = argpo + argpdot * t
    nodedf = nodeo + nodedot * t
    argpm = argpdf
    mm = xmdf
    t2 = t * t
    nodem = nodedf + nodecf * t2
    tempa = 1.0 - cc1 * t
    tempe = bstar * cc4 * t
    templ = t2cof * t2
    if isimp != 1.0:
        delomg = omgcof * t
        delmtemp = 1.0 + eta * math.cos(xmdf)
        delm = xmcof * (delmtemp * delmtemp * delmtemp - delmo)
        temp = delomg + delm
        mm = xmdf + temp
        argpm = argpdf - temp
        t3 = t2 * t
        t4 = t3 * t
        tempa = tempa - d2 * t2 - d3 * t3 - d4 * t4
        tempe = tempe + bstar * cc5 * (math.sin(mm) - sinmao)
        templ = templ + t3cof * t3 + t4 * (t4cof + t * t5cof)
    nm = no_unkozai
    em = ecco
    if nm <= 0.0:
        return 0.0, 0.0, 0.0, 2
    # am = (xke/nm)^(2/3) tempa^2 and nm = xke / am^1.5 = no_unkozai / tempa^3: no pow needed per step
    # (a0 is the per-satellite constant (xke/no_unkozai)^(2/3), kept in the _jd column's neighbour).
    am = a0 * tempa * tempa
    nm = no_unkozai / (tempa * tempa * tempa)
    em = em - tempe
    if em >= 1.0 or em < -0.001:
        return 0.0, 0.0, 0.0, 1
    if em < 1.0e-6:
        em = 1.0e-6
    mm = mm + no_unkozai * templ
    xlm = mm + argpm + nodem
    nodem = _fmod(nodem, twopi)
    argpm = _fmod(argpm, twopi)
    xlm = _fmod(xlm, twopi)
    mm = _fmod(xlm - argpm - nodem, twopi)
    sinim = sinio  # near-earth: the inclination is constant
    cosim = cosio
    ep = em
    argpp = argpm
    nodep = nodem
    mp = mm
    sinip = sinim
    cosip = cosim
    axnl = ep * math.cos(argpp)
    temp = 1.0 / (am * (1.0 - ep * ep))
    aynl = ep * math.sin(argpp) + temp * aycof
    xl = mp + argpp + nodep + temp * xlcof * axnl
    u = _fmod(xl - nodep, twopi)
    eo1 = u
    tem5 = 9999.9
    ktr = 1
    sineo1 = 0.0
    coseo1 = 0.0
    while abs(tem5) >= 1.0e-12 and ktr <= 10:
        sineo1 = math.sin(eo1)
        coseo1 = math.cos(eo1)
        tem5 = 1.0 - coseo1 * axnl - sineo1 * aynl
        tem5 = (u - aynl * coseo1 + axnl * sineo1 - eo1) / tem5
        if abs(tem5) >= 0.95:
            tem5 = 0.95 if tem5 > 0.0 else -0.95
        eo1 = eo1 + tem5
        ktr += 1
    ecose = axnl * coseo1 + aynl * sineo1
    esine = axnl * sineo1 - aynl * coseo1
    el2 = axnl * axnl + aynl * aynl
    pl = am * (1.0 - el2)
    if pl < 0.0:
        return 0.0, 0.0, 0.0, 4
    rl = am * (1.0 - ecose)
    betal = math.sqrt(1.0 - el2)
    temp = esine / (1.0 + betal)
    sinu = am / rl * (sineo1 - aynl - axnl * temp)
    cosu = am / rl * (coseo1 - axnl + aynl * temp)
    sin2u = (cosu + cosu) * sinu
    cos2u = 1.0 - 2.0 * sinu * sinu
    temp = 1.0 / pl
    temp1 = 0.5 * j2 * temp
    temp2 = temp1 * temp
    mrt = rl * (1.0 - 1.5 * temp2 * betal * con41) + 0.5 * temp1 * x1mth2 * cos2u
    # The reference takes su = atan2(sinu, cosu) and then sines and cosines of su, xnode and xinc, each a
    # small correction to an angle whose sine and cosine are known: angle addition gives the same numbers.
    inv = 1.0 / math.sqrt(sinu * sinu + cosu * cosu)
    s0 = sinu * inv
    c0 = cosu * inv
    sd, cd = _small_sincos(-0.25 * temp2 * x7thm1 * sin2u)
    sinsu = s0 * cd + c0 * sd
    cossu = c0 * cd - s0 * sd
    sn0 = math.sin(nodep)
    cn0 = math.cos(nodep)
    sd, cd = _small_sincos(1.5 * temp2 * cosip * sin2u)
    snod = sn0 * cd + cn0 * sd
    cnod = cn0 * cd - sn0 * sd
    sd, cd = _small_sincos(1.5 * temp2 * cosip * sinip * cos2u)
    sini = sinip * cd + cosip * sd
    cosi = cosip * cd - sinip * sd
    xmx = -snod * cosi
    xmy = cnod * cosi
    ux = xmx * sinsu + cnod * cossu
    uy = xmy * sinsu + snod * cossu
    uz = sini * sinsu
    mr = mrt * radiusearthkm
    code = 6 if mrt < 1.0 else 0
    return mr * ux, mr * uy, mr * uz, code


@njit(parallel=True, cache=True, fastmath=_FASTMATH, error_model="numpy")
def propagate_itrs(coeffs, jd, fr, cos_theta, sin_theta, out, status):
    """Fill ``out[sat, time, :]`` with ITRS km and ``status`` with SGP4 error codes (0 = fine)."""
    n_sats = coeffs.shape[0]
    n_times = jd.shape[0]
    for i in prange(n_sats):
        c = coeffs[i]
        jd0 = c[32]
        fr0 = c[33]
        for k in range(n_times):
            tsince = ((jd[k] - jd0) + (fr[k] - fr0)) * 1440.0
            x, y, z, code = _sgp4_near(c, tsince)
            if code == 0:
                r2 = x * x + y * y + z * z
                if not (SANE_RADIUS_MIN_KM ** 2 <= r2 <= SANE_RADIUS_MAX_KM ** 2):  # also catches NaN
                    code = INSANE_POSITION
            if code != 0:
                out[i, k, 0] = np.nan
                out[i, k, 1] = np.nan
                out[i, k, 2] = np.nan
            else:
                ct = cos_theta[k]
                st = sin_theta[k]
                out[i, k, 0] = ct * x + st * y
                out[i, k, 1] = -st * x + ct * y
                out[i, k, 2] = z
            status[i, k] = code


@njit(parallel=True, cache=True, fastmath=_FASTMATH, error_model="numpy")
def propagate_teme(coeffs, jd, fr, out, status):
    """TEME positions (km) for the Vallado verification and the frame tests."""
    n_sats = coeffs.shape[0]
    n_times = jd.shape[0]
    for i in prange(n_sats):
        c = coeffs[i]
        for k in range(n_times):
            tsince = ((jd[k] - c[32]) + (fr[k] - c[33])) * 1440.0
            x, y, z, code = _sgp4_near(c, tsince)
            out[i, k, 0] = x if code == 0 else np.nan
            out[i, k, 1] = y if code == 0 else np.nan
            out[i, k, 2] = z if code == 0 else np.nan
            status[i, k] = code
